"""The composition root: wires the engine (`automation`), the site (`flows`) and the simulator
(`fixtures`) into the `sellerauth` command. Nothing imports this package but the console script.
"""
