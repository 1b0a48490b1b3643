"""Identity, dates, field declarations and sample requirements (R011-R014, R016, R020)."""

from __future__ import annotations

import datetime as dt

from omi_rules.checks.context import CheckContext
from omi_rules.diagnostics.suggest import did_you_mean
from omi_rules.model import DateField, EnumField, IntField, NumberField
from omi_rules.yamlio.reader import PathKey


def _date(ctx: CheckContext, text: str | None, path: PathKey) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        ctx.report("R011", f"'{text}' is not a real date", path, "write an existing date as YYYY-MM-DD")
        return None


def run(ctx: CheckContext) -> None:
    m = ctx.model
    start = _date(ctx, m.effective_from, ("effective_from",))
    end = _date(ctx, m.effective_to, ("effective_to",))
    if start and end and end < start:
        ctx.report("R011", f"effective_to ({end}) is before effective_from ({start})", ("effective_to",))
    for i, entry in enumerate(m.changelog):
        _date(ctx, entry.date, ("changelog", i, "date"))
    recovered = ctx.degraded_under(("version",)) or ctx.degraded_under(("changelog",))
    if not recovered and m.version not in {entry.version for entry in m.changelog}:
        ctx.report(
            "R012",
            f"version {m.version} has no changelog entry",
            ("version",),
            "add an entry under 'changelog' saying what changed",
        )
    for i, f in enumerate(m.fields):
        path: PathKey = ("fields", i)
        if isinstance(f, IntField | NumberField) and f.min is not None and f.max is not None and f.min > f.max:
            ctx.report("R014", f"field '{f.id}' has min {f.min:g} above max {f.max:g}", path + ("min",))
        if isinstance(f, DateField):
            low = _date(ctx, f.min, path + ("min",))
            high = _date(ctx, f.max, path + ("max",))
            if low and high and low > high:
                ctx.report("R014", f"field '{f.id}' has min {low} after max {high}", path + ("min",))
    _check_sample(ctx)


def _check_sample(ctx: CheckContext) -> None:
    sample = ctx.model.sample
    size = sample.size
    if size is not None and size.max is not None and size.min > size.max:
        ctx.report("R020", f"sample size min {size.min} is above max {size.max}", ("sample", "size", "min"))
    fields = {f.id: f for f in ctx.model.fields}
    for i, stratum in enumerate(sample.strata):
        path: PathKey = ("sample", "strata", i)
        f = fields.get(stratum.field)
        if f is None:
            continue  # reported as an unknown reference
        if not isinstance(f, EnumField):
            ctx.report("R013", f"strata need an enum field; '{f.id}' is of type {f.type}", path + ("field",))
            continue
        values = set(f.value_ids())
        for value in stratum.counts:
            if value not in values:
                hint = did_you_mean(value, values) or f"the values are: {', '.join(sorted(values))}"
                ctx.report(
                    "R013", f"'{value}' is not a value of field '{f.id}'", path + ("counts", value), hint, key=True
                )
        total = sum(stratum.counts.values())
        size_valid = size is not None and (size.max is None or size.min <= size.max)
        if size is not None and size_valid and (total < size.min or (size.max is not None and total > size.max)):
            upper = f"-{size.max}" if size.max is not None else "+"
            ctx.report(
                "R013",
                f"the designed counts add up to {total}, outside the sample size {size.min}{upper}",
                path + ("counts",),
            )
