"""ember.nn.init (being written)"""
