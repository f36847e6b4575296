"""The three Fashion-MNIST classifiers of the seeds: softmax regression written from scratch
(seed 002), the MLP of seed 003 and LeNet-5 (seed 004)."""
import ember
from ember import nn

CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
           "Bag", "Ankle boot")


class SoftmaxRegression(nn.Module):
    """Seed 002: ``softmax(X W + b)``; W and b are plain parameters, nothing from nn.Linear."""

    def __init__(self, num_inputs=784, num_outputs=10):
        super().__init__()
        self.W = nn.Parameter(ember.normal(0, 0.01, size=(num_inputs, num_outputs)))
        self.b = nn.Parameter(ember.zeros(num_outputs))

    def forward(self, X):
        logits = X.reshape(-1, self.W.shape[0]) @ self.W + self.b
        X_exp = logits.exp()  # seed 002 writes softmax by hand; logits stay small here
        return X_exp / X_exp.sum(1, keepdim=True)


def cross_entropy_from_probs(y_hat, y):
    """Seed 002's cross-entropy: pick each row's probability of the true class with gather."""
    return -(y_hat.gather(1, y.view(-1, 1)) + 1e-12).log().mean()


class MLP(nn.Module):
    """Seed 003's network: Flatten, then Linear-ReLU-Linear-ReLU-Linear."""

    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 512), nn.ReLU(),
            nn.Linear(512, 512), nn.ReLU(),
            nn.Linear(512, 10))

    def forward(self, x):
        return self.linear_relu_stack(self.flatten(x))


class LeNet(nn.Module):
    """LeNet-5 for 1x28x28 images (the first convolution pads by 2, as in the classic net)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


MODELS = {"softmax": SoftmaxRegression, "mlp": MLP, "cnn": LeNet}


def build(name):
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")
    return MODELS[name]()
