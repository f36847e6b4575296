"""Seeds 004 and 003, autograd: the graph of grad_fn nodes, backward with a gradient,
retain_graph, no_grad (also as a decorator), detach, the profiler, and
autograd.functional (jacobian, hessian, vjp, jvp). Prints what the tutorials print.

Run: python examples/autograd_tour.py   (add --profile to print the profiler table)
"""
import math
import sys

import ember as torch

a = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
print(a)
b = torch.sin(a)
print(b)
c = 2 * b
print(c)
d = c + 1
print(d)
out = d.sum()
print(out)
print('d:')
print(d.grad_fn.name())
print([(f.name() if f else None, i) for f, i in d.grad_fn.next_functions])
print([(f.name() if f else None, i)
       for f, i in d.grad_fn.next_functions[0][0].next_functions])
print('\nc:', c.grad_fn.name())
print('b:', b.grad_fn.name())
print('a:', a.grad_fn)
out.backward()
print(a.grad)
print(c.grad_fn.next_functions[0][0].name())

a = torch.ones(2, 3, requires_grad=True)
print(a)
b1 = 2 * a
print(b1)
a.requires_grad = False
b2 = 2 * a
print(b2)

a = torch.ones(2, 3, requires_grad=True) * 2
b = torch.ones(2, 3, requires_grad=True) * 3
c1 = a + b
print(c1)
with torch.no_grad():
    c2 = a + b
print(c2)
c3 = a * b
print(c3)


def add_tensors1(x, y):
    return x + y


@torch.no_grad()
def add_tensors2(x, y):
    return x + y


print(add_tensors1(a, b))
print(add_tensors2(a, b))

torch.manual_seed(42)
x = torch.rand(5, requires_grad=True)
y = x.detach()
print(x)
print(y)

a = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
try:
    torch.sin_(a)
except RuntimeError as e:
    print("RuntimeError:", e)

x = torch.randn(3, requires_grad=True)
y = x * 2
while y.data.norm() < 1000:
    y = y * 2
print(y)
v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(v)
print(x.grad)

# Seed 003: backward with a gradient, retain_graph, and vector-Jacobian products.
x = torch.tensor([1.0], requires_grad=True)
y = (x + 1) ** 2
y.backward(gradient=torch.tensor([2.0]))
print(x.grad)

inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")

w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(torch.ones(5), w) + b
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(torch.ones(5), w) + b
print(z.requires_grad)
z_det = (torch.matmul(torch.ones(5), w) + b).detach()
print(z_det.requires_grad)


def exp_adder(x, y):
    return 2 * x.exp() + 3 * y


inputs = (torch.rand(1), torch.rand(1))
print(inputs)
print(torch.autograd.functional.jacobian(exp_adder, inputs))
inputs = (torch.rand(3), torch.rand(3))
print(inputs)
print(torch.autograd.functional.jacobian(exp_adder, inputs))


def pow_reducer(x):
    return x.pow(3).sum()


inputs = torch.rand(2, 2)
print(torch.autograd.functional.hessian(pow_reducer, inputs))


def do_some_doubling(x):
    y = x * 2
    while y.data.norm() < 1000:
        y = y * 2
    return y


inputs = torch.randn(3)
my_gradients = torch.tensor([0.1, 1.0, 0.0001])
print(torch.autograd.functional.vjp(do_some_doubling, inputs, v=my_gradients))
print(torch.autograd.functional.jvp(do_some_doubling, inputs, v=my_gradients))

if "--profile" in sys.argv:
    x = torch.randn(2, 3, requires_grad=True)
    y = torch.rand(2, 3, requires_grad=True)
    z = torch.ones(2, 3, requires_grad=True)
    with torch.autograd.profiler.profile() as prf:
        for _ in range(1000):
            z = (z / x) * y
    print(prf.key_averages().table(sort_by='self_cpu_time_total'))
