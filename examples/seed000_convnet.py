"""Seed 000, "ten minutes to a neural network": an nn.Module with two conv layers and
max-pooling, trained with MSELoss and SGD(momentum=0.9) by the zero_grad / forward / loss /
backward / step loop.

Run: python examples/seed000_convnet.py
"""
import ember as torch
import ember.nn as nn
import ember.nn.functional as F
from ember import optim


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 15, 5)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return x


torch.manual_seed(0)
net = Net()
print(net)
input = torch.randn(4, 1, 32, 32)
target = torch.randn(4, 15, 5, 5)

loss = nn.MSELoss()
optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
for step in range(20):
    optimizer.zero_grad()
    output = net(input)
    loss_net = loss(output, target)
    loss_net.backward()
    optimizer.step()
    if step % 5 == 4:
        print(step + 1, f"{loss_net.item():.5f}")
