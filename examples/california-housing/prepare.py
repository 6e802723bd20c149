"""Prepares the California housing data: split, impute, one-hot encode.

Reads the 20,640 districts of data/california-housing.csv, splits them into train and test
sets, fills the 207 missing `total_bedrooms` with the training set's median, one-hot encodes
`ocean_proximity`, and writes both sets as CSV.

Under Slipway the two CSVs are the step's declared outputs, and the row counts and the number
of imputed values go to $SLIPWAY_OUTPUT as `key=value` lines. Standalone:

    python prepare.py --data data/california-housing.csv --out prepared
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

TARGET = "median_house_value"
IMPUTED = "total_bedrooms"
CATEGORICAL = "ocean_proximity"
# Every category, so that train and test get the same columns (ISLAND has only 5 rows).
CATEGORIES = ["<1H OCEAN", "INLAND", "ISLAND", "NEAR BAY", "NEAR OCEAN"]


def one_hot(df: pd.DataFrame) -> pd.DataFrame:
    """Replaces `ocean_proximity` with one 0/1 column per category (`ocean_proximity_near_bay`, …)."""
    unknown = set(df[CATEGORICAL].dropna()) - set(CATEGORIES)
    if unknown or df[CATEGORICAL].isna().any():
        raise SystemExit(f"prepare: unexpected {CATEGORICAL} values: {sorted(unknown) or 'missing'}")
    dummies = pd.get_dummies(pd.Categorical(df[CATEGORICAL], categories=CATEGORIES), dtype="float64")
    dummies.columns = [f"{CATEGORICAL}_{re.sub(r'[^a-z0-9]+', '_', c.lower()).strip('_')}" for c in CATEGORIES]
    dummies.index = df.index
    return pd.concat([df.drop(columns=[CATEGORICAL]), dummies], axis=1)


def write_outputs(values: dict[str, object]) -> None:
    """Appends `key=value` lines to $SLIPWAY_OUTPUT (when run by Slipway) and prints them."""
    lines = [f"{key}={value}" for key, value in values.items()]
    print("\n".join(lines), flush=True)
    path = os.environ.get("SLIPWAY_OUTPUT")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write("".join(f"{line}\n" for line in lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("data/california-housing.csv"), help="the raw CSV")
    parser.add_argument("--out", type=Path, default=Path("prepared"), help="where train.csv and test.csv go")
    parser.add_argument("--test-size", type=float, default=0.2, help="the test set's share of the rows")
    parser.add_argument("--seed", type=int, default=42, help="the split's random state")
    args = parser.parse_args()

    df = pd.read_csv(args.data)
    if TARGET not in df.columns:
        raise SystemExit(f"prepare: {args.data} has no column {TARGET!r}")
    train, test = train_test_split(df, test_size=args.test_size, random_state=args.seed)

    # The median comes from the training set only, so nothing about the test set leaks into it.
    median = float(train[IMPUTED].median())
    imputed = int(train[IMPUTED].isna().sum() + test[IMPUTED].isna().sum())
    train, test = (one_hot(part.fillna({IMPUTED: median})) for part in (train, test))

    args.out.mkdir(parents=True, exist_ok=True)
    train.to_csv(args.out / "train.csv", index=False)
    test.to_csv(args.out / "test.csv", index=False)

    write_outputs(
        {
            "rows": len(df),
            "train_rows": len(train),
            "test_rows": len(test),
            "imputed_total_bedrooms": imputed,
            "total_bedrooms_median": median,
        }
    )


if __name__ == "__main__":
    main()
