"""ape-sum: Sharing Updatable Models on Ethereum, as an Ape plugin (`ape sum ...`).

Ape imports this module at start-up, so it stays light: it only registers the plugin's `sum:`
settings (`ape_sum.config`, imported when Ape loads the configuration) and leaves every heavy import
to the commands. It changes nothing in the environment (the commands that may start Anvil put it on
PATH themselves).
"""

from ape import plugins


@plugins.register(plugins.Config)
def config_class():
    from ape_sum.config import SumConfig

    return SumConfig


__all__: list[str] = []
