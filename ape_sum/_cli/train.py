"""`ape sum train`: fit an initial model off chain and write a model file (no network needed)."""

from __future__ import annotations

from pathlib import Path

import click

from ape_sum._cli.click_ext import SumCliContext, json_option, sum_cli_ctx, user_errors

MODEL_ALIASES = {
    "sparse-perceptron": "sparse perceptron",
    "dense-perceptron": "dense perceptron",
    "naive-bayes": "naive bayes",
    "nearest-centroid": "nearest centroid classifier",
    "sparse-nearest-centroid": "sparse nearest centroid classifier",
}
"""CLI names (no spaces) -> model-file type names."""


def model_kind(name: str) -> str:
    """The model-file type for a CLI model name (`sparse-perceptron` or `sparse perceptron`)."""
    key = name.strip().lower()
    if key in MODEL_ALIASES:
        return MODEL_ALIASES[key]
    if key in MODEL_ALIASES.values():
        return key
    raise click.BadParameter(f"unknown model {name!r}: one of {', '.join(MODEL_ALIASES)}")


@click.command(short_help="Train an initial model off chain and write a model file")
@sum_cli_ctx
@click.argument("dataset", metavar="DATASET")
@click.option(
    "--model",
    "model_name",
    help="sparse-perceptron, dense-perceptron, naive-bayes, nearest-centroid or "
    "sparse-nearest-centroid (default: sparse-perceptron for text, dense-perceptron for numbers).",
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
@click.option("--encoder", "encoder_spec", help="Encoder spec to use instead of the default.")
@click.option("--force", is_flag=True, help="Overwrite the output file.")
@json_option
def train(
    cli_ctx: SumCliContext,
    dataset: str,
    model_name: str | None,
    output: Path | None,
    train_fraction: float,
    seed: int,
    buckets: int | None,
    encoder_spec: str | None,
    force: bool,
    as_json: bool,
):
    """Fit a model on DATASET and write it as a model file for `ape sum deploy`.

    DATASET is `breast-cancer` (dense), `rotten-tomatoes` (text), `rotten-tomatoes-full`, or a CSV
    file (`text,label`, or numeric columns plus `label`). The accuracy printed is that of the exact
    fixed-point model the contract will run, on the held-out part of the data.
    """
    from ape_sum.core.datasets import DatasetError, load_dataset
    from ape_sum.core.models.files import ModelFileError, save_model_file
    from ape_sum.core.models.training import TrainingError, train_model

    with user_errors(cli_ctx):
        try:
            data = load_dataset(dataset)
            kind = model_kind(model_name) if model_name else (
                "sparse perceptron" if data.kind == "text" else "dense perceptron"
            )  # fmt: skip
            out = output or Path(f"{Path(dataset).stem}-{kind.replace(' ', '-')}.json")
            if out.exists() and not force:
                cli_ctx.abort(f"{out} exists: pass --force to overwrite it")
            cli_ctx.progress(f"Training a {kind} on {data.name} ({len(data)} samples)...")
            result = train_model(kind, data, train_fraction=train_fraction, seed=seed,
                                 encoder=encoder_spec, buckets=buckets)  # fmt: skip
            save_model_file(out, result.model, result.encoder)
        except click.BadParameter as err:
            cli_ctx.abort(err.format_message())
        except (DatasetError, TrainingError, ModelFileError) as err:
            cli_ctx.abort(str(err).splitlines()[0])
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
        "train_accuracy": result.train_accuracy,
        "method": result.method,
    }
    if as_json:
        cli_ctx.emit_json(payload)
        return
    click.echo(f"Wrote {out}: {kind}, classes {', '.join(payload['classes'])}, "
               f"{payload['num_features']} features")  # fmt: skip
    click.echo(
        f"Held-out accuracy of the exact fixed-point model: {result.accuracy:.1%} "
        f"({result.test_size} samples; trained on {result.train_size}, method {result.method})"
    )
    click.echo(f"Next: ape sum deploy {out}")
