"""Datasets with torchvision's interface: MNIST, FashionMNIST, CIFAR10/100, ImageFolder."""
from ._common import VisionDataset
from .cifar import CIFAR10, CIFAR100
from .folder import DatasetFolder, ImageFolder
from .mnist import MNIST, FashionMNIST

__all__ = ["VisionDataset", "MNIST", "FashionMNIST", "CIFAR10", "CIFAR100", "DatasetFolder",
           "ImageFolder"]
