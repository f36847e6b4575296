"""Internals of ember.random: the MT19937 engine (``mt``), exact fma emulation (``fma``) and
the samplers that turn raw draws into torch's values (``kernels``, ``normal``)."""
