"""LeNet-5 for 1 x 28 x 28 images (Fashion-MNIST / MNIST)."""
import ember.nn as nn
import ember.nn.functional as F

__all__ = ["LeNet", "lenet5"]


class LeNet(nn.Module):
    """LeNet-5: conv(6, 5x5, pad 2) -> pool -> conv(16, 5x5) -> pool -> 120 -> 84 -> classes.

    The layer names are those of the PyTorch tutorial (conv1, conv2, fc1, fc2, fc3); ReLU and
    max pooling as there. Input N x 1 x 28 x 28 (padding 2 makes it the classic 32 x 32).

    Example::

        >>> LeNet()(ember.rand(8, 1, 28, 28)).shape
        torch.Size([8, 10])
    """

    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x):
        if x.dim() != 4 or tuple(x.shape[-2:]) != (28, 28):
            raise ValueError(f"LeNet expects input of shape (N, C, 28, 28), got {tuple(x.shape)}")
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.flatten(1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def lenet5(num_classes=10, **kwargs):
    return LeNet(num_classes=num_classes, **kwargs)
