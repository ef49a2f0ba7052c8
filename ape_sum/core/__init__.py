"""Pure, chain-free core: fixed point, units, data sets, encoders, model mirrors, incentive rules.

Nothing here talks to a chain; everything is tested without one.
"""
