"""Seed 003: a Fashion-MNIST clothing classifier, step by step: tensor basics, datasets +
ToTensor + a one-hot Lambda target transform, a custom Dataset, DataLoader, a Flatten +
Linear/ReLU NeuralNetwork, Softmax prediction, the autograd walk-through (grad_fn, backward,
no_grad, detach, vector-Jacobian products), train/test loops with CrossEntropyLoss and SGD,
and saving / loading the state_dict.

Run: python examples/seed003_fashion_classifier.py [--epochs N] [--limit N] [--root DIR]
(needs the Debian package dataset-fashion-mnist, or network access for download=True;
everything it writes goes to a temporary directory)
"""
import argparse
import csv
import os
import tempfile

import numpy as np
from PIL import Image

import ember as torch
from ember import nn
from ember.utils.data import DataLoader, Dataset, Subset
from ember.vision import datasets
from ember.vision.transforms import Lambda, ToTensor

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--limit", type=int, default=None, help="use the first N images only")
parser.add_argument("--root", default=None, help="dataset root (default: a temporary dir)")
args = parser.parse_args()

workdir = tempfile.TemporaryDirectory()
root = args.root or os.path.join(workdir.name, "data")
torch.manual_seed(0)

# ---- Tensors: attributes and functions --------------------------------------------------
data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
np_array = np.array(data)
x_np = torch.from_numpy(np_array)
print(f"From numpy: \n {x_np} \n and back: \n {x_np.numpy()} \n")
x_ones = torch.ones_like(x_data)
print(f"Ones Tensor: \n {x_ones} \n")
x_rand = torch.rand_like(x_data, dtype=torch.float)
print(f"Random Tensor shape: {x_rand.shape} \n")

shape = (2, 3,)
rand_tensor = torch.rand(shape)
ones_tensor = torch.ones(shape)
zeros_tensor = torch.zeros(shape)
print(f"Ones Tensor: \n {ones_tensor} \n")
print(f"Zeros Tensor: \n {zeros_tensor}")
print(f"Shape of tensor: {rand_tensor.shape}")
print(f"Datatype of tensor: {rand_tensor.dtype}")
print(f"Device tensor is stored on: {rand_tensor.device}")

tensor = torch.ones(4, 4)
if torch.cuda.is_available():
    tensor = tensor.to("cuda")
tensor = tensor.to("cpu")
print(f"First row: {tensor[0]}")
print(f"First column: {tensor[:, 0]}")
print(f"Last column: {tensor[..., -1]}")
tensor[:, 1] = 0
print(tensor)
print(f"Transpose: \n {tensor.T} \n")
t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1)
print(f"tensor * tensor \n {tensor * tensor} \n {tensor.mul(tensor)}")
print(f"tensor @ tensor.T \n {tensor @ tensor.T} \n {tensor.matmul(tensor.T)}")

# ---- Datasets -----------------------------------------------------------------------------
training_data = datasets.FashionMNIST(
    root=root,
    train=True,
    download=True,
    transform=ToTensor()
)
test_data = datasets.FashionMNIST(
    root=root,
    train=False,
    download=True,
    transform=ToTensor()
)

labels_map = {
    0: "T-Shirt",
    1: "Trouser",
    2: "Pullover",
    3: "Dress",
    4: "Coat",
    5: "Sandal",
    6: "Shirt",
    7: "Sneaker",
    8: "Bag",
    9: "Ankle Boot",
}
# The seed draws a 3x3 grid with matplotlib; here we print what would be drawn.
for i in range(1, 3 * 3 + 1):
    sample_idx = torch.randint(len(training_data), size=(1,)).item()
    img, label = training_data[sample_idx]
    print(f"sample {sample_idx}: {labels_map[label]}, image {tuple(img.shape)}")
img, label = training_data[0]
print(f"training_data[0]: image min {img.min().item():.3f} max {img.max().item():.3f}, "
      f"label {label}")

# target_transform: turn the integer label into a one-hot vector with scatter_.
one_hot_data = datasets.FashionMNIST(
    root=root,
    train=True,
    download=True,
    transform=ToTensor(),
    target_transform=Lambda(lambda y: torch.zeros(
        10, dtype=torch.float).scatter_(0, torch.tensor(y), value=1))
)
print(f"one-hot label of {labels_map[one_hot_data.targets[0].item()]}: {one_hot_data[0][1]}")


# ---- A custom Dataset: images in a folder, labels in a CSV annotations file -------------------
class CustomImageDataset(Dataset):
    def __init__(self, annotations_file, img_dir, transform=None, target_transform=None):
        with open(annotations_file, newline="") as f:
            self.img_labels = [(name, int(label)) for name, label in csv.reader(f)]
        self.img_dir = img_dir
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self):
        return len(self.img_labels)

    def __getitem__(self, idx):
        name, label = self.img_labels[idx]
        image = Image.open(os.path.join(self.img_dir, name))
        image.load()
        if self.transform:
            image = self.transform(image)
        if self.target_transform:
            label = self.target_transform(label)
        return image, label


img_dir = os.path.join(workdir.name, "images")
os.makedirs(img_dir)
annotations_file = os.path.join(workdir.name, "labels.csv")
with open(annotations_file, "w", newline="") as f:
    writer = csv.writer(f)
    for i in range(8):
        name = f"img_{i}.png"
        Image.fromarray(test_data.data[i].numpy()).save(os.path.join(img_dir, name))
        writer.writerow([name, test_data.targets[i].item()])
custom_data = CustomImageDataset(annotations_file, img_dir, transform=ToTensor())
custom_image, custom_label = custom_data[0]
print(f"CustomImageDataset: {len(custom_data)} images, first is a {labels_map[custom_label]}, "
      f"same pixels as test_data[0]: {torch.equal(custom_image, test_data[0][0])}")

# ---- DataLoader ---------------------------------------------------------------------------
if args.limit:
    training_data = Subset(training_data, range(args.limit))
    test_data = Subset(test_data, range(args.limit))
train_dataloader = DataLoader(training_data, batch_size=64, shuffle=True)
test_dataloader = DataLoader(test_data, batch_size=64, shuffle=True)

train_features, train_labels = next(iter(train_dataloader))
print(f"Feature batch shape: {train_features.size()}")
print(f"Labels batch shape: {train_labels.size()}")
img = train_features[0].squeeze()
label = train_labels[0]
print(f"Label: {label.item()} ({labels_map[label.item()]}), image {tuple(img.shape)}")

# ---- The model ----------------------------------------------------------------------------
device = 'cuda' if torch.cuda.is_available() else 'cpu'
print(f"Using {device} device")


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork().to(device)
print(model)

X = torch.rand(1, 28, 28, device=device)
logits = model(X)
pred_probab = nn.Softmax(dim=1)(logits)
y_pred = pred_probab.argmax(1)
print(f"Predicted class: {y_pred}")

print(f"First Linear weights: {model.linear_relu_stack[0].weight} \n")
print(f"First Linear biases: {model.linear_relu_stack[0].bias} \n")

tensor1 = torch.tensor([[0, 1, 1, 0], [1, 2, 3, 4]])
print(tensor1.size())
tensor2 = nn.Flatten()(tensor1)
print(tensor2)
tensor1 = torch.tensor([[[0, 1], [1, 0]], [[1, 2], [3, 4]]])
tensor2 = nn.Flatten()(tensor1)
print(tensor2)

input_image = torch.rand(3, 28, 28)
flat_image = nn.Flatten()(input_image)
layer1 = nn.Linear(in_features=28 * 28, out_features=20)
hidden1 = nn.ReLU()(layer1(flat_image))
seq_modules = nn.Sequential(
    nn.Flatten(),
    layer1,
    nn.ReLU(),
    nn.Linear(20, 10)
)
logits = seq_modules(input_image)
print(f"seq_modules logits: {tuple(logits.shape)}")

print("Model structure: ", model, "\n\n")
for name, param in model.named_parameters():
    print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \n")

# ---- torch.autograd -------------------------------------------------------------------------
x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)

print('Gradient function for z =', z.grad_fn)
print('Gradient function for loss =', loss.grad_fn)

loss.backward()
print(w.grad)
print(b.grad)

z = torch.matmul(x, w) + b
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)

z = torch.matmul(x, w) + b
z_det = z.detach()
print(z_det.requires_grad)

x = torch.tensor([1.0], requires_grad=True)
y = (x + 1) ** 2
loss = y
loss.backward(gradient=torch.tensor([2.0]))
print(x.grad)  # tensor([8.])

inp = torch.eye(5, requires_grad=True)
out = (inp + 1).pow(2)
out.backward(torch.ones_like(inp), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(inp), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(inp), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")

# ---- The optimization loop -------------------------------------------------------------------
learning_rate = 1e-3
batch_size = 64
epochs = args.epochs

loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)


def train_loop(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    for batch, (X, y) in enumerate(dataloader):
        # Compute prediction and loss
        pred = model(X)
        loss = loss_fn(pred, y)

        # Backpropagation
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

        if batch % 100 == 0:
            loss, current = loss.item(), batch * len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test_loop(dataloader, model, loss_fn):
    size = len(dataloader.dataset)
    test_loss, correct = 0, 0

    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()

    test_loss /= size
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")


for t in range(epochs):
    print(f"Epoch {t+1}\n-------------------------------")
    train_loop(train_dataloader, model, loss_fn, optimizer)
    test_loop(test_dataloader, model, loss_fn)
print("Done!")

# ---- Saving and loading the parameters ------------------------------------------------------
model_path = os.path.join(workdir.name, "model.pth")
torch.save(model.state_dict(), model_path)

loaded = NeuralNetwork()
loaded.load_state_dict(torch.load(model_path))
loaded.eval()
with torch.no_grad():
    X, y = next(iter(test_dataloader))
    same = torch.equal(loaded(X).argmax(1), model(X).argmax(1))
print(f"Reloaded model from {os.path.basename(model_path)}, same predictions: {same}")
print(f"Predicted: \"{labels_map[loaded(X[:1]).argmax(1).item()]}\", "
      f"Actual: \"{labels_map[y[0].item()]}\"")
workdir.cleanup()
