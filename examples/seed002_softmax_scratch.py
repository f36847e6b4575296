"""Seed 002: softmax regression from scratch on Fashion-MNIST: datasets + ToTensor +
DataLoader, W and b with requires_grad_, softmax from exp/sum(dim, keepdim), cross-entropy
from gather/log, hand-written SGD on the parameters, accuracy.

Run: python examples/seed002_softmax_scratch.py [--epochs N] [--limit N]
(needs the Debian package dataset-fashion-mnist, or network access for download=True)
"""
import argparse

import ember as torch
from ember.utils import data
from ember.vision import datasets, transforms

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--limit", type=int, default=None, help="use the first N images only")
parser.add_argument("--root", default="data")
args = parser.parse_args()

trans = transforms.ToTensor()
mnist_train = datasets.FashionMNIST(root=args.root, train=True, transform=trans, download=True)
mnist_test = datasets.FashionMNIST(root=args.root, train=False, transform=trans, download=True)
if args.limit:
    mnist_train = data.Subset(mnist_train, range(args.limit))
    mnist_test = data.Subset(mnist_test, range(args.limit))
batch_size = 256
train_iter = data.DataLoader(mnist_train, batch_size, shuffle=True)
test_iter = data.DataLoader(mnist_test, batch_size, shuffle=False)

num_inputs, num_outputs = 784, 10
torch.manual_seed(0)
W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
b = torch.zeros(num_outputs, requires_grad=True)


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition


def net(X):
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)


def cross_entropy(y_hat, y):
    return -torch.log(y_hat.gather(1, y.view(-1, 1)))


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def accuracy(y_hat, y):
    return float((y_hat.argmax(dim=1) == y).sum())


def evaluate_accuracy(net, data_iter):
    right, total = 0.0, 0
    with torch.no_grad():
        for X, y in data_iter:
            right += accuracy(net(X), y)
            total += y.numel()
    return right / total


lr = 0.1
for epoch in range(args.epochs):
    total_loss, n = 0.0, 0
    for X, y in train_iter:
        loss = cross_entropy(net(X), y)
        loss.sum().backward()
        sgd([W, b], lr, len(y))
        total_loss += float(loss.sum())
        n += len(y)
    print(f"epoch {epoch + 1}, loss {total_loss / n:.4f}, "
          f"test acc {evaluate_accuracy(net, test_iter):.3f}")
