"""The `ape sum` command group: one module per command family, wired here.

Command modules import Ape's heavy parts inside their functions, so `ape --help` stays fast.
"""

import click

from ape_sum._cli.data import add_data, contributions, refund, report
from ape_sum._cli.demo import demo
from ape_sum._cli.deploy import deploy
from ape_sum._cli.doctor import doctor
from ape_sum._cli.gas import gas_report
from ape_sum._cli.info import info
from ape_sum._cli.node import advance, node
from ape_sum._cli.predict import predict
from ape_sum._cli.simulate import simulate
from ape_sum._cli.train import train


@click.group(short_help="Sharing Updatable Models: deploy, train and use models in contracts")
def cli():
    """Host machine-learning models in Ethereum contracts that anyone can use and improve.

    Predictions are free view calls; contributions carry a deposit that an incentive mechanism
    refunds for good data and lets others take for bad data.

    Start with `ape sum demo`, or: `ape sum node` in one terminal, then in another train ->
    deploy -> info / predict -> add-data -> contributions -> advance -> refund / report.
    """


COMMANDS = (
    node,
    train,
    deploy,
    info,
    predict,
    add_data,
    contributions,
    refund,
    report,
    advance,
    simulate,
    gas_report,
    demo,
    doctor,
)
for command in COMMANDS:
    cli.add_command(command)
