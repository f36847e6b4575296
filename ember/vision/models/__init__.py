"""Models: LeNet-5 and ResNet (torchvision's architecture and layer names)."""
from .lenet import LeNet, lenet5
from .resnet import BasicBlock, Bottleneck, ResNet, resnet18, resnet34, resnet50

__all__ = ["LeNet", "lenet5", "ResNet", "BasicBlock", "Bottleneck", "resnet18", "resnet34",
           "resnet50"]
