"""Optuna's TPESampler speed on the same search space and histories as sampler-bench.ts.

Prints one JSON object: {"optuna": version, "rows": [{"sampler", "history", "perSecond"}]}.
Run by sampler-bench.ts when Python with Optuna is available (Debian: apt-get install python3-optuna).
    python3 optuna_tpe_bench.py --histories 100,1000 --seconds 1
"""

import argparse
import warnings
import json
import math
import time

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import TrialState, create_trial

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.filterwarnings("ignore")

SPACE = {
    "learningRate": FloatDistribution(1e-6, 1.0, log=True),
    "dropout": FloatDistribution(0.0, 0.9, step=0.05),
    "batchSize": IntDistribution(8, 128, step=8),
    "units": IntDistribution(1, 512, log=True),
    "optimizer": CategoricalDistribution(["adam", "sgd", "rmsprop", "adagrad"]),
}


def random_params(rng):
    return {
        "learningRate": float(math.exp(rng.uniform(math.log(1e-6), 0))),
        "dropout": float(round(0.05 * rng.randint(0, 19), 2)),
        "batchSize": int(8 * rng.randint(1, 17)),
        "units": int(round(math.exp(rng.uniform(math.log(0.5), math.log(512.5))))),
        "optimizer": ["adam", "sgd", "rmsprop", "adagrad"][rng.randint(0, 4)],
    }


def value(p):
    return (math.log10(p["learningRate"]) + 3) ** 2 + (p["dropout"] - 0.3) ** 2 + (math.log2(p["units"]) - 6) ** 2 / 10


def study_with_history(n, sampler):
    rng = np.random.RandomState(n)
    study = optuna.create_study(sampler=sampler)
    for _ in range(n):
        p = random_params(rng)
        study.add_trial(create_trial(state=TrialState.COMPLETE, value=value(p), params=p, distributions=SPACE))
    return study


def rate(study, seconds):
    done = 0
    start = time.perf_counter()
    while done < 3 or time.perf_counter() - start < seconds:
        trial = study.ask()
        for name, dist in SPACE.items():
            trial._suggest(name, dist)
        # Leave it running: the history stays the same (running trials are ignored without constant liar).
        done += 1
    return done / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--histories", default="100,1000")
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args()
    rows = []
    for n in [int(h) for h in args.histories.split(",")]:
        for name, make in [
            ("random", lambda: optuna.samplers.RandomSampler(seed=0)),
            ("tpe", lambda: optuna.samplers.TPESampler(seed=0, multivariate=False, constant_liar=False)),
            ("tpe multivariate", lambda: optuna.samplers.TPESampler(seed=0, multivariate=True, constant_liar=False)),
        ]:
            rows.append({"sampler": name, "history": n, "perSecond": rate(study_with_history(n, make()), args.seconds)})
    print(json.dumps({"optuna": optuna.__version__, "rows": rows}))


if __name__ == "__main__":
    main()
