import numpy as np
import pytest

import ember
import ember.nn as nn
from ember.vision import models


def test_lenet_shapes_and_backward():
    ember.manual_seed(0)
    net = models.LeNet()
    out = net(ember.rand(4, 1, 28, 28))
    assert tuple(out.shape) == (4, 10)
    out.sum().backward()
    assert net.conv1.weight.grad is not None
    assert [n for n, _ in net.named_children()] == ["conv1", "conv2", "fc1", "fc2", "fc3"]
    assert sum(p.numel() for p in net.parameters()) == 61706
    with pytest.raises(ValueError, match="28, 28"):
        net(ember.rand(1, 1, 32, 32))


def test_resnet18_layout_and_init():
    ember.manual_seed(0)
    m = models.resnet18()
    names = [n for n, _ in m.named_children()]
    assert names == ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4",
                     "avgpool", "fc"]
    assert sum(p.numel() for p in m.parameters()) == 11689512  # torchvision's count
    sd = m.state_dict()
    assert len(sd) == 122 and "layer2.0.downsample.0.weight" in sd
    assert tuple(m.fc.weight.shape) == (1000, 512)
    w = m.layer3[0].conv1.weight.detach().numpy()
    fan_out = w.shape[0] * w.shape[2] * w.shape[3]
    assert abs(w.std() - np.sqrt(2.0 / fan_out)) < 0.1 * np.sqrt(2.0 / fan_out)
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            assert float(mod.weight.min()) == 1.0 and float(mod.bias.abs().max()) == 0.0
    with pytest.raises(ValueError, match="weights"):
        models.resnet18(weights="IMAGENET1K_V1")


def test_resnet18_forward_small():
    ember.manual_seed(0)
    m = models.resnet18(num_classes=10)
    m.eval()
    with ember.no_grad():
        out = m(ember.rand(2, 3, 32, 32))
    assert tuple(out.shape) == (2, 10)
    assert bool(ember.isfinite(out).all())
