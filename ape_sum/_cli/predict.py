"""`ape sum predict`: free predictions from a deployed model."""

from __future__ import annotations

import csv
from pathlib import Path

import click

from ape_sum._cli.click_ext import (
    SumCliContext,
    SumCommand,
    json_option,
    split_trainer_and_input,
    sum_cli_ctx,
    trainer_option,
    user_errors,
)

MAX_FILE_ROWS = 100_000


@click.command(
    cls=SumCommand,
    short_help="Predict with a deployed model (free)",
    context_settings={"ignore_unknown_options": True},
)
@sum_cli_ctx
@click.argument("args", nargs=-1, metavar="[TRAINER] INPUT")
@trainer_option
@click.option(
    "--file",
    "input_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Predict every row: a CSV with a `text` column (or numeric columns), optionally `label`; "
    "or one input per line. Prints accuracy when labels are given.",
)
@json_option
def predict(
    cli_ctx: SumCliContext,
    args: tuple[str, ...],
    trainer_ref: str | None,
    input_file: Path | None,
    as_json: bool,
):
    """Encode INPUT with the trainer's own encoder and print the predicted class (a free call).

    INPUT is a text for text models, or numbers separated by commas or spaces for dense models
    (quote it; start negative numbers after `--`). TRAINER defaults to the last deployment.
    """
    with user_errors(cli_ctx):
        trainer, text = split_trainer_and_input(
            cli_ctx, args, trainer_ref, need_input=input_file is None
        )
        handle = cli_ctx.open_trainer(trainer)
        if input_file is None:
            data = handle.encode(text)
            index = handle.predict(data)
            payload = {
                "input": text,
                "encoded": data,
                "class_index": index,
                "class": handle.class_name(index),
                "trainer": handle.address,
            }
            if as_json:
                cli_ctx.emit_json(payload)
            else:
                click.echo(payload["class"])
            return
        from ape.exceptions import ContractLogicError

        from ape_sum.chain.reverts import explain
        from ape_sum.exceptions import SumError

        rows = _read_rows(cli_ctx, input_file)
        results = []
        predicted: list[int] = []
        expected_labels: list[int] = []
        for number, (raw, label) in enumerate(rows, start=1):
            try:
                index = handle.predict(handle.encode(raw))
            except ContractLogicError as err:
                cli_ctx.abort(f"row {number}: {explain(err).splitlines()[0]}")
            except SumError as err:
                cli_ctx.abort(f"row {number}: {str(err).splitlines()[0]}")
            entry = {"row": number, "class_index": index, "class": handle.class_name(index)}
            if label is not None:
                expected = handle.class_index(label)
                entry["label"] = handle.class_name(expected)
                predicted.append(index)
                expected_labels.append(expected)
            results.append(entry)
    from ape_sum.core.metrics import score

    tally = score(predicted, expected_labels)
    labelled, correct = tally.total, tally.correct
    accuracy = tally.accuracy if labelled else None
    if as_json:
        cli_ctx.emit_json({"trainer": handle.address, "predictions": results,
                           "labelled": labelled, "correct": correct,
                           "accuracy": accuracy})  # fmt: skip
        return
    for entry in results:
        mark = ""
        if "label" in entry:
            mark = "  ok" if entry["label"] == entry["class"] else f"  (label {entry['label']})"
        click.echo(f"{entry['row']:>5}  {entry['class']}{mark}")
    if accuracy is not None:
        click.echo(f"accuracy {accuracy:.1%} ({correct}/{labelled})")


def _read_rows(cli_ctx: SumCliContext, path: Path) -> list[tuple[str, str | None]]:
    """(input text, label or None) per row of a CSV with a header, or per line of a text file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        cli_ctx.abort(f"cannot read {path.name}: {err}")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        cli_ctx.abort(f"{path.name} is empty")
    header = next(csv.reader([lines[0]]))
    lowered = [h.strip().lower() for h in header]
    rows: list[tuple[str, str | None]] = []
    if "text" in lowered or "label" in lowered:
        reader = csv.DictReader(lines[1:], fieldnames=lowered)
        label_key = "label" if "label" in lowered else None
        features = [h for h in lowered if h != "label"]
        for row in reader:
            if "text" in lowered:
                raw = row.get("text") or ""
            else:
                raw = ",".join((row.get(h) or "").strip() for h in features)
            rows.append((raw, (row.get(label_key) or "").strip() if label_key else None))
    else:
        rows = [(line, None) for line in lines]
    if len(rows) > MAX_FILE_ROWS:
        cli_ctx.abort(f"{path.name} has {len(rows)} rows; the limit is {MAX_FILE_ROWS}")
    if not rows:
        cli_ctx.abort(f"{path.name} has a header but no rows")
    return rows
