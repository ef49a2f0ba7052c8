"""The `ape sum` command group: one module per command family, wired here."""

import click

from ape_sum._cli.doctor import doctor


@click.group(short_help="Sharing Updatable Models: deploy, train and use models in contracts")
def cli():
    """Host machine-learning models in Ethereum contracts that anyone can use and improve.

    Predictions are free view calls; contributions carry a deposit that an incentive mechanism
    refunds for good data and lets others take for bad data.
    """


cli.add_command(doctor)
