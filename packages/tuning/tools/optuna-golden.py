"""Golden vectors for @hitcast/tuning, computed by Optuna itself.

Writes packages/tuning/test/fixtures/optuna-golden.json: the truncated-normal functions, the TPE
weights, Parzen estimators (kernel centres, bandwidths, weights and log-densities), the split into
good and bad trials, TPE's acquisition values log l(x) - log g(x) at given candidates, and median and
percentile pruner decisions. The TypeScript tests compare against these; nothing runs Python at
runtime.

Needs Optuna >= 4 (the estimator API changed in 4.0) and numpy. The committed fixture was made with
Optuna 5.0.0.dev from a source checkout (git archive of optuna/optuna, commit 1d8ce7b) on Debian 12's
python3 (numpy 1.24, and the dependencies that `apt-get install python3-optuna` brings):

    PYTHONPATH=/path/to/optuna-checkout python3 packages/tuning/tools/optuna-golden.py

(Debian's own python3-optuna is 3.1, whose Parzen estimator predates the current one.)

Ties: Optuna orders observations for the bandwidth rule with numpy's default argsort, which is not
stable (introsort, or a SIMD sort on some CPUs), so equal values (common for ints and grids) get their
bandwidths in an order that depends on numpy's version and the CPU. hitcast orders ties by trial
number. The estimator and acquisition vectors are therefore computed with Optuna's argsort made
stable; the acquisition cases also keep Optuna's values with numpy's own order ("numpyOrder").
"""

import contextlib
import json
import math
import os
import sys
import types

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.samplers import TPESampler
from optuna.samplers._tpe import _truncnorm
from optuna.samplers._tpe import parzen_estimator as parzen_module
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import _split_trials, default_gamma, default_weights
from optuna.trial import TrialState, create_trial

optuna.logging.set_verbosity(optuna.logging.ERROR)
OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "optuna-golden.json")
PARAMS = _ParzenEstimatorParameters(
    prior_weight=1.0,
    consider_magic_clip=True,
    consider_endpoints=False,
    weights=default_weights,
    multivariate=True,
)


@contextlib.contextmanager
def stable_argsort():
    """Optuna's Parzen estimator with ties ordered by position (see the module docstring)."""
    proxy = types.SimpleNamespace(**{k: getattr(np, k) for k in dir(np) if not k.startswith("__")})
    proxy.argsort = lambda a, *args, **kwargs: np.argsort(a, kind="stable")
    parzen_module.np = proxy
    try:
        yield
    finally:
        parzen_module.np = np


def num(x):
    """JSON-safe float: NaN and infinities as strings, as the journal writes them."""
    x = float(x)
    return x if math.isfinite(x) else str(x).replace("inf", "Infinity").replace("nan", "NaN")


def dist_of(spec):
    if spec["type"] == "categorical":
        return CategoricalDistribution(spec["choices"])
    cls = FloatDistribution if spec["type"] == "float" else IntDistribution
    kwargs = {"log": spec.get("log", False)}
    if "step" in spec:
        kwargs["step"] = spec["step"]
    return cls(spec["low"], spec["high"], **kwargs)


def grid(spec, n=9):
    if spec["type"] == "categorical":
        return list(range(len(spec["choices"])))
    low, high = spec["low"], spec["high"]
    if "step" in spec or spec["type"] == "int":
        step = spec.get("step", 1)
        k = int(round((high - low) / step))
        idx = sorted(set(int(round(i)) for i in np.linspace(0, k, min(n, k + 1))))
        return [low + i * step for i in idx]
    if spec.get("log"):
        return list(np.exp(np.linspace(math.log(low), math.log(high), n)))
    return list(np.linspace(low, high, n))


def truncnorm_cases():
    pairs = [(-1, 1), (-40, -39), (30, 31), (-0.5, 50), (-3, 2), (-1e-3, 1e-3), (-100, -99.5), (5, 6), (-8, 0.1), (0, 3)]
    a = np.array([p[0] for p in pairs], float)
    b = np.array([p[1] for p in pairs], float)
    mass = _truncnorm._log_gauss_mass(a, b)
    ppf = []
    for q in [1e-9, 0.01, 0.3, 0.5, 0.9, 0.999999]:
        out = _truncnorm.ppf(np.full(len(pairs), q), a, b)
        ppf += [[q, float(x), float(y), float(o)] for x, y, o in zip(a, b, out)]
    logpdf = []
    for x, (lo, hi), loc, scale in [(0.3, (-1, 2), 0.1, 0.5), (-2.0, (-3, 3), 0.0, 1.0), (5.0, (-1, 1), 4.7, 0.3), (9.0, (-1, 1), 0.0, 1.0)]:
        out = _truncnorm.logpdf(np.array([x]), lo, hi, loc=loc, scale=scale)[0]
        logpdf.append([x, lo, hi, loc, scale, num(out)])
    return {
        "logGaussMass": [[float(x), float(y), float(m)] for x, y, m in zip(a, b, mass)],
        "ppf": ppf,
        "logpdf": logpdf,
    }


def estimator_case(name, specs, observations):
    """specs: {param: spec}; observations: list of rows of internal values."""
    space = {k: dist_of(s) for k, s in specs.items()}
    obs = {k: np.array([row[i] for row in observations], float) for i, k in enumerate(specs)}
    with stable_argsort():
        pe = _ParzenEstimator(obs, space, PARAMS)
    mix = pe._mixture_distribution
    components = []
    for d in mix.distributions:
        if hasattr(d, "mu"):
            components.append({"mus": [float(v) for v in d.mu], "sigmas": [float(v) for v in d.sigma]})
        else:
            components.append({"probs": [[float(v) for v in row] for row in d.weights]})
    # Points: a grid per parameter, combined diagonally for several parameters.
    grids = [grid(s) for s in specs.values()]
    n_points = max(len(g) for g in grids)
    points = [[g[i % len(g)] for g in grids] for i in range(n_points)]
    logpdf = pe.log_pdf({k: np.array([p[i] for p in points], float) for i, k in enumerate(specs)})
    return {
        "name": name,
        "space": specs,
        "observations": observations,
        "weights": [float(w) for w in mix.weights],
        "components": components,
        "points": points,
        "logPdf": [num(v) for v in logpdf],
    }


def estimator_cases():
    rng = np.random.RandomState(7)
    lr = {"type": "float", "low": 1e-5, "high": 1e-1, "log": True}
    x = {"type": "float", "low": -2.0, "high": 3.0}
    drop = {"type": "float", "low": 0.0, "high": 0.5, "step": 0.05}
    layers = {"type": "int", "low": 1, "high": 8}
    batch = {"type": "int", "low": 8, "high": 64, "step": 8}
    units = {"type": "int", "low": 1, "high": 512, "log": True}
    opt = {"type": "categorical", "choices": ["adam", "sgd", "rmsprop"]}
    cases = [
        estimator_case("float, no observations", {"x": x}, []),
        estimator_case("float, one observation", {"x": x}, [[0.5]]),
        estimator_case("float, two observations", {"x": x}, [[0.5], [2.0]]),
        estimator_case("float, five observations with a tie", {"x": x}, [[0.5], [2.0], [-1.5], [0.5], [2.9]]),
        estimator_case("log float, four observations", {"lr": lr}, [[1e-3], [3e-4], [5e-2], [2e-5]]),
        estimator_case("float with step", {"drop": drop}, [[0.1], [0.25], [0.5]]),
        estimator_case("int", {"layers": layers}, [[1], [4], [4], [7]]),
        estimator_case("int with step", {"batch": batch}, [[8], [32], [64]]),
        estimator_case("log int", {"units": units}, [[1], [16], [300]]),
        estimator_case("categorical, no observations", {"opt": opt}, []),
        estimator_case("categorical", {"opt": opt}, [[0], [2], [0], [1]]),
        estimator_case(
            "thirty log floats (weight ramp)",
            {"lr": lr},
            [[float(v)] for v in np.exp(rng.uniform(math.log(1e-5), math.log(1e-1), 30))],
        ),
        estimator_case(
            "multivariate: log float, int, categorical",
            {"lr": lr, "layers": layers, "opt": opt},
            [[float(np.exp(rng.uniform(math.log(1e-5), math.log(1e-1)))), int(rng.randint(1, 9)), int(rng.randint(0, 3))] for _ in range(6)],
        ),
    ]
    return cases


def make_trials(specs, history):
    """history: list of dicts {number, state, value, params, intermediate}."""
    dists = {k: dist_of(s) for k, s in specs.items()}
    out = []
    for h in history:
        state = {"complete": TrialState.COMPLETE, "pruned": TrialState.PRUNED, "running": TrialState.RUNNING, "failed": TrialState.FAIL}[h["state"]]
        out.append(
            create_trial(
                state=state,
                value=h.get("value") if h["state"] == "complete" else None,
                params=h["params"],
                distributions=dists,
                intermediate_values={int(s): float(v) for s, v in h.get("intermediate", [])},
            )
        )
    return out


def random_history(rng, specs, n, direction, with_running):
    history = []
    for i in range(n):
        params = {}
        for k, s in specs.items():
            if s["type"] == "categorical":
                params[k] = s["choices"][rng.randint(len(s["choices"]))]
            elif s["type"] == "int":
                step = s.get("step", 1)
                params[k] = int(s["low"] + step * rng.randint(0, (s["high"] - s["low"]) // step + 1))
            elif s.get("log"):
                params[k] = float(np.exp(rng.uniform(math.log(s["low"]), math.log(s["high"]))))
            elif "step" in s:
                k_max = int(round((s["high"] - s["low"]) / s["step"]))
                params[k] = float(round(s["low"] + s["step"] * rng.randint(0, k_max + 1), 10))
            else:
                params[k] = float(rng.uniform(s["low"], s["high"]))
        r = rng.rand()
        state = "running" if with_running and r < 0.1 else "pruned" if r < 0.3 else "complete"
        entry = {"number": i, "state": state, "params": params}
        if state == "complete":
            entry["value"] = float(rng.normal())
        if state == "pruned":
            steps = rng.randint(0, 4)
            entry["intermediate"] = [[s, float("nan") if rng.rand() < 0.15 else float(rng.normal())] for s in range(steps)]
        history.append(entry)
    return history


def jsonable_history(history):
    return [
        {**h, "intermediate": [[s, num(v)] for s, v in h.get("intermediate", [])]} if "intermediate" in h else h
        for h in history
    ]


def split_cases():
    rng = np.random.RandomState(11)
    specs = {"x": {"type": "float", "low": 0.0, "high": 1.0}}
    cases = []
    for n, direction, n_below in [(12, "minimize", 2), (30, "maximize", 3), (40, "minimize", 25), (20, "minimize", 18)]:
        history = random_history(rng, specs, n, direction, with_running=True)
        study = optuna.create_study(direction=direction)
        trials = make_trials(specs, history)
        for t, h in zip(trials, history):
            t.number = h["number"]
        below, above = _split_trials(study, trials, n_below)
        cases.append(
            {
                "direction": direction,
                "space": specs,
                "trials": jsonable_history(history),
                "nBelow": n_below,
                "below": [t.number for t in below],
                "above": [t.number for t in above],
            }
        )
    return cases


def acquisition_cases():
    rng = np.random.RandomState(5)
    specs = {
        "lr": {"type": "float", "low": 1e-5, "high": 1e-1, "log": True},
        "layers": {"type": "int", "low": 1, "high": 8},
        "batch": {"type": "int", "low": 8, "high": 64, "step": 8},
        "dropout": {"type": "float", "low": 0.0, "high": 0.5, "step": 0.05},
        "opt": {"type": "categorical", "choices": ["adam", "sgd", "rmsprop"]},
    }
    space = {k: dist_of(s) for k, s in specs.items()}
    cases = []
    for n, direction, multivariate, constant_liar in [(15, "minimize", False, False), (40, "maximize", False, True), (60, "minimize", True, False), (30, "minimize", True, True)]:
        history = random_history(rng, specs, n, direction, with_running=constant_liar)
        # The study only lends its direction to the split and the estimators.
        study = optuna.create_study(direction=direction)
        trials = make_trials(specs, history)
        for t, h in zip(trials, history):
            t.number = h["number"]
        considered = [t for t in trials if t.state in (TrialState.COMPLETE, TrialState.PRUNED) or (constant_liar and t.state == TrialState.RUNNING)]
        n_finished = sum(t.state != TrialState.RUNNING for t in considered)
        below, above = _split_trials(study, considered, default_gamma(n_finished))
        sampler = TPESampler(multivariate=multivariate, constant_liar=constant_liar, seed=3)
        groups = [list(specs)] if multivariate else [[k] for k in specs]
        group_cases = []
        for group in groups:
            sub = {k: space[k] for k in group}
            mpe_below = sampler._build_parzen_estimator(study, sub, below, handle_below=True)
            mpe_above = sampler._build_parzen_estimator(study, sub, above, handle_below=False)
            samples = mpe_below.sample(np.random.RandomState(len(group_cases)), 24)
            numpy_order = sampler._compute_acquisition_func(samples, mpe_below, mpe_above)
            with stable_argsort():
                mpe_below = sampler._build_parzen_estimator(study, sub, below, handle_below=True)
                mpe_above = sampler._build_parzen_estimator(study, sub, above, handle_below=False)
                acq = sampler._compute_acquisition_func(samples, mpe_below, mpe_above)
            group_cases.append(
                {
                    "params": group,
                    "candidates": [[float(samples[k][i]) for k in group] for i in range(24)],
                    "acquisition": [num(v) for v in acq],
                    "best": int(np.argmax(acq)),
                    "numpyOrder": [num(v) for v in numpy_order],
                }
            )
        cases.append(
            {
                "direction": direction,
                "multivariate": multivariate,
                "constantLiar": constant_liar,
                "space": specs,
                "trials": jsonable_history(history),
                "below": [t.number for t in below],
                "groups": group_cases,
            }
        )
    return cases


def pruner_cases():
    rng = np.random.RandomState(3)
    cases = []
    for i in range(60):
        direction = "minimize" if i % 3 else "maximize"
        options = {"percentile": 50.0, "nStartupTrials": 5, "nWarmupSteps": 0, "intervalSteps": 1, "nMinTrials": 1}
        if i % 4 == 1:
            options.update(nWarmupSteps=2, intervalSteps=3)
        if i % 5 == 2:
            options.update(percentile=25.0, nMinTrials=3)
        if i % 7 == 3:
            options.update(nStartupTrials=8)
        n_complete = int(rng.randint(2, 14))
        completed = []
        for _ in range(n_complete):
            steps = int(rng.randint(1, 9))
            completed.append([[s, float("nan") if rng.rand() < 0.05 else float(rng.normal(1.0 / (s + 1), 0.2))] for s in range(steps)])
        steps = sorted(set(int(s) for s in rng.choice(9, size=rng.randint(1, 6), replace=False)))
        shift = float(rng.uniform(-0.3, 0.8)) * (1 if direction == "minimize" else -1)
        trial = [[s, float("nan") if rng.rand() < 0.05 else float(rng.normal(1.0 / (s + 1) + shift, 0.2))] for s in steps]
        study = optuna.create_study(direction=direction)
        for values in completed:
            study.add_trial(
                create_trial(state=TrialState.COMPLETE, value=0.0, intermediate_values={s: v for s, v in values})
            )
        running = create_trial(state=TrialState.RUNNING, intermediate_values={s: v for s, v in trial})
        pruner = optuna.pruners.PercentilePruner(
            options["percentile"],
            n_startup_trials=options["nStartupTrials"],
            n_warmup_steps=options["nWarmupSteps"],
            interval_steps=options["intervalSteps"],
            n_min_trials=options["nMinTrials"],
        )
        cases.append(
            {
                "direction": direction,
                "options": options,
                "completed": [[[s, num(v)] for s, v in values] for values in completed],
                "trial": [[s, num(v)] for s, v in trial],
                "prune": bool(pruner.prune(study, running)),
            }
        )
    return cases


def main():
    golden = {
        "optuna": optuna.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "generatedBy": "packages/tuning/tools/optuna-golden.py",
        "truncnorm": truncnorm_cases(),
        "weights": {str(n): [float(w) for w in default_weights(n)] for n in [0, 1, 24, 25, 26, 27, 30, 60]},
        "gamma": {str(n): default_gamma(n) for n in [0, 1, 9, 10, 11, 100, 249, 250, 251, 1000]},
        "argsort": "stable (ties by trial number); acquisition[].groups[].numpyOrder: numpy's default",
        "estimators": estimator_cases(),
        "split": split_cases(),
        "acquisition": acquisition_cases(),
        "pruners": pruner_cases(),
    }
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(OUT)} (optuna {optuna.__version__})")


if __name__ == "__main__":
    main()
