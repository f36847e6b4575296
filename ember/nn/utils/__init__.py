"""ember.nn.utils (being written)"""
