"""ember.optim (being written)"""
