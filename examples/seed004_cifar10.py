"""Seed 004: the CIFAR-10 classifier from the PyTorch "Introduction to PyTorch" tutorial, on ember.

Follows the tutorial: ToTensor + Normalize, CIFAR10 train/test sets, DataLoader of batch 4, a
grid of sample images (saved to a PNG with matplotlib's Agg backend instead of shown), the LeNet
variant for 3-colour images, CrossEntropyLoss + SGD(lr=0.001, momentum=0.9), the training loop
with running loss, and the test accuracy overall and per class.

When the real CIFAR-10 batches are not under ``--root`` (default: a temporary directory), a small
stand-in of the same format is written first: ``cifar-10-batches-py/data_batch_1..5``,
``test_batch`` (pickled dicts with ``data``, a uint8 N x 3072 array, and ``labels``, a list) and
``batches.meta`` (``label_names``). Each class gets its own colour pattern plus noise, so the
net has something to learn.

Run: ``python examples/seed004_cifar10.py --epochs 2 --per-batch-images 200``
"""
import argparse
import os
import pickle
import tempfile

import matplotlib
import numpy as np

import ember as torch
import ember.nn as nn
import ember.nn.functional as F
import ember.optim as optim
from ember.vision import datasets as torchvision_datasets
from ember.vision import transforms, utils

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the Agg backend)

classes = ('plane', 'car', 'bird', 'cat',
           'deer', 'dog', 'frog', 'horse', 'ship', 'truck')


# ---------------------------------------------------------------------------------------------
# A small CIFAR-10 of the real on-disk format, written when the real files are absent.
# ---------------------------------------------------------------------------------------------
def _class_pattern(label):
    """A 3x32x32 float image in [0, 1] characteristic of ``label``: a base colour per class,
    with stripes (horizontal, vertical or none) and a bright square whose place depends on it."""
    rng = np.random.RandomState(1000 + label)
    img = np.empty((3, 32, 32), dtype=np.float64)
    img[:] = rng.uniform(0.15, 0.85, size=(3, 1, 1))
    ramp = np.arange(32)
    if label % 3 == 1:
        img[:, (ramp // 4) % 2 == 1, :] *= 0.5
    elif label % 3 == 2:
        img[:, :, (ramp // 4) % 2 == 1] *= 0.5
    r, c = 4 + 6 * (label // 4), 4 + 8 * (label % 4)
    img[label % 3, r:r + 8, c:c + 8] = 1.0
    return img


def _make_split(n, rng):
    labels = rng.randint(0, 10, size=n)
    images = np.stack([_class_pattern(int(y)) for y in labels])
    images += rng.normal(0.0, 0.12, size=images.shape)
    data = np.clip(images * 255.0, 0, 255).astype(np.uint8).reshape(n, 3072)
    return data, [int(y) for y in labels]


def write_fake_cifar10(root, per_batch_images, seed=0):
    """Write ``root/cifar-10-batches-py`` with five train batches and one test batch of
    ``per_batch_images`` images each, plus ``batches.meta``, as the real archive lays them out."""
    folder = os.path.join(root, "cifar-10-batches-py")
    os.makedirs(folder, exist_ok=True)
    rng = np.random.RandomState(seed)
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    for name in names:
        data, labels = _make_split(per_batch_images, rng)
        entry = {"batch_label": f"{name} (generated)", "labels": labels, "data": data,
                 "filenames": [f"img_{k:05d}.png" for k in range(per_batch_images)]}
        # The real batches are Python 2 pickles whose str keys load as str with
        # encoding="latin1" (what torchvision and ember use); protocol 2 with str keys matches.
        with open(os.path.join(folder, name), "wb") as f:
            pickle.dump(entry, f, protocol=2)
    meta = {"label_names": ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
                            "horse", "ship", "truck"],
            "num_cases_per_batch": per_batch_images, "num_vis": 3072}
    with open(os.path.join(folder, "batches.meta"), "wb") as f:
        pickle.dump(meta, f, protocol=2)


def cifar_present(root):
    folder = os.path.join(root, "cifar-10-batches-py")
    files = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch", "batches.meta"]
    return all(os.path.isfile(os.path.join(folder, f)) for f in files)


# ---------------------------------------------------------------------------------------------
# The tutorial.
# ---------------------------------------------------------------------------------------------
def imshow(img):
    img = img / 2 + 0.5     # unnormalize
    npimg = img.numpy()
    plt.imshow(np.clip(np.transpose(npimg, (1, 2, 0)), 0, 1))


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--per-batch-images", type=int, default=200,
                        help="images per generated batch file (when the real data is absent)")
    parser.add_argument("--root", default=None,
                        help="folder holding cifar-10-batches-py (default: a temporary folder)")
    parser.add_argument("--print-every", type=int, default=100,
                        help="print the running loss every this many mini-batches")
    parser.add_argument("--grid", default="cifar10_grid.png", help="where to save the image grid")
    args = parser.parse_args(argv)

    torch.manual_seed(0)
    tmp = None
    root = args.root
    if root is None:
        tmp = tempfile.TemporaryDirectory()
        root = tmp.name
    if not cifar_present(root):
        print(f"CIFAR-10 not found under {root}: writing a generated stand-in "
              f"({args.per_batch_images} images per batch file)")
        write_fake_cifar10(root, args.per_batch_images)

    transform = transforms.Compose(
        [transforms.ToTensor(),
         transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])

    trainset = torchvision_datasets.CIFAR10(root=root, train=True,
                                            download=False, transform=transform)
    trainloader = torch.utils.data.DataLoader(trainset, batch_size=4,
                                              shuffle=True, num_workers=0)

    testset = torchvision_datasets.CIFAR10(root=root, train=False,
                                           download=False, transform=transform)
    testloader = torch.utils.data.DataLoader(testset, batch_size=4,
                                             shuffle=False, num_workers=0)

    # get some random training images
    dataiter = iter(trainloader)
    images, labels = next(dataiter)

    # show images (saved to a PNG: no display here)
    plt.figure()
    imshow(utils.make_grid(images))
    plt.axis("off")
    plt.savefig(args.grid)
    plt.close()
    print(f"saved image grid to {args.grid}")
    # print labels
    print(' '.join('%5s' % classes[labels[j]] for j in range(4)))

    net = Net()
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)

    every = args.print_every
    for epoch in range(args.epochs):  # loop over the dataset multiple times

        running_loss = 0.0
        for i, data in enumerate(trainloader, 0):
            # get the inputs
            inputs, labels = data

            # zero the parameter gradients
            optimizer.zero_grad()

            # forward + backward + optimize
            outputs = net(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()

            # print statistics
            running_loss += loss.item()
            if i % every == every - 1:    # print every `every` mini-batches
                print('[%d, %5d] loss: %.3f' %
                      (epoch + 1, i + 1, running_loss / every))
                running_loss = 0.0

    print('Finished Training')

    correct = 0
    total = 0
    with torch.no_grad():
        for data in testloader:
            images, labels = data
            outputs = net(images)
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()

    print('Accuracy of the network on the %d test images: %d %%' % (
        total, 100 * correct / total))

    # accuracy per class
    correct_pred = {classname: 0 for classname in classes}
    total_pred = {classname: 0 for classname in classes}
    with torch.no_grad():
        for data in testloader:
            images, labels = data
            outputs = net(images)
            _, predictions = torch.max(outputs, 1)
            for label, prediction in zip(labels, predictions):
                if label == prediction:
                    correct_pred[classes[label]] += 1
                total_pred[classes[label]] += 1

    for classname, correct_count in correct_pred.items():
        if total_pred[classname]:
            accuracy = 100 * float(correct_count) / total_pred[classname]
            print(f'Accuracy for class: {classname:5s} is {accuracy:.1f} %')
        else:
            print(f'Accuracy for class: {classname:5s} is n/a (no test images)')

    if tmp is not None:
        tmp.cleanup()
    return correct / total


if __name__ == "__main__":
    main()
