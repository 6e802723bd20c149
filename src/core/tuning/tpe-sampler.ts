/**
 * The `tpe` strategy: a Tree-structured Parzen Estimator (Bergstra et al., "Algorithms for
 * Hyper-Parameter Optimization", NeurIPS 2011), the model-based search of hyperopt and
 * Optuna's default sampler.
 *
 * Written here: npm has no maintained TPE or Bayesian-optimisation package (the one port
 * of hyperopt, `hyperparameters`, is unmaintained, untyped and runs its own loop rather
 * than proposing one trial at a time). The algorithm is small:
 *
 * 1. the first `startupTrials` suggestions are uniform random draws;
 * 2. then the finished trials are split by objective into the best `gamma` share ("good")
 *    and the rest ("bad"), and each parameter gets two densities, l(x) over the good values
 *    and g(x) over the bad ones: Parzen windows (a truncated Gaussian at each value plus a
 *    wide prior one, with hyperopt's adaptive bandwidths) for ranges, worked in the
 *    logarithm for log scale and rounded for ints; smoothed counts for choices;
 * 3. candidates are drawn from l and the one with the highest l(x)/g(x) (the expected
 *    improvement's maximiser under the model) is suggested.
 *
 * Parameters are modelled independently, as in hyperopt and Optuna's default. Running
 * trials count as the worst result so far (the "constant liar"), so suggestions made while
 * others run move away from them instead of repeating the same guess.
 * @module
 */

import type { Sampler } from './sampler.js';
import { fromInternal, internalBounds, paramsKey, seenKeys, toInternal } from './search-space.js';
import { suggestRandom } from './random-sampler.js';
import { deriveSeed, normalDraw, randomIndex, seededRandom, type RandomSource } from './seeded-random.js';
import type { ChoiceParameter, ParameterSpace, ParameterSpec, Params, ParamScalar, TuneDirection } from './tune-spec.js';

export interface TpeOptions {
  readonly direction: TuneDirection;
  /** Random suggestions before the model is used. */
  readonly startupTrials: number;
  /** The share of trials counted as good (default 0.25). */
  readonly gamma?: number;
  /** The most trials counted as good (default 25, as Optuna). */
  readonly maxGood?: number;
  /** Candidates drawn from l(x) per suggestion (default 24, as hyperopt and Optuna). */
  readonly candidates?: number;
}

interface Observation {
  readonly params: Params;
  /** Lower is better. */
  readonly loss: number;
  readonly lie: boolean;
}

/** A density over one parameter: `sample` draws from it, `logDensity` scores a value. */
interface Density {
  sample(random: RandomSource): ParamScalar;
  logDensity(value: ParamScalar): number;
}

export function tpeSampler(space: ParameterSpace, seed: number, options: TpeOptions): Sampler {
  const gamma = options.gamma ?? 0.25;
  const maxGood = options.maxGood ?? 25;
  const candidates = options.candidates ?? 24;
  const sign = options.direction === 'minimize' ? 1 : -1;
  return {
    suggest(history, pending) {
      const random = seededRandom(deriveSeed(seed, history.length + pending.length));
      const seen = seenKeys(space, history, pending);
      const finished: Observation[] = history
        .filter((trial) => trial.status === 'succeeded' && trial.objective !== undefined && Number.isFinite(trial.objective))
        .map((trial) => ({ params: trial.params, loss: sign * (trial.objective ?? 0), lie: false }));
      if (finished.length < Math.max(1, options.startupTrials)) return suggestRandom(space, random, seen);

      const worst = Math.max(...finished.map((o) => o.loss));
      const observations = [...finished, ...pending.map((params) => ({ params, loss: worst, lie: true }))];
      // Stable: at equal loss, real results rank before lies, earlier before later.
      const ranked = observations
        .map((observation, index) => ({ observation, index }))
        .sort((a, b) => a.observation.loss - b.observation.loss || Number(a.observation.lie) - Number(b.observation.lie) || a.index - b.index)
        .map(({ observation }) => observation);
      const goodCount = Math.min(maxGood, Math.max(1, Math.ceil(gamma * ranked.length)));
      const good = ranked.slice(0, goodCount);
      const bad = ranked.slice(goodCount);

      const models = space.map((parameter) => ({
        parameter,
        l: density(parameter, good.map((o) => o.params[parameter.name])),
        g: density(parameter, bad.map((o) => o.params[parameter.name])),
      }));
      let best: { params: Params; score: number } | undefined;
      for (let i = 0; i < candidates; i++) {
        const params: Record<string, ParamScalar> = {};
        let score = 0;
        for (const { parameter, l, g } of models) {
          const value = l.sample(random);
          params[parameter.name] = value;
          score += l.logDensity(value) - g.logDensity(value);
        }
        if (seen.has(paramsKey(space, params))) continue;
        if (best === undefined || score > best.score) best = { params, score };
      }
      return best?.params ?? suggestRandom(space, random, seen);
    },
  };
}

function density(parameter: ParameterSpec, values: readonly (ParamScalar | undefined)[]): Density {
  if (parameter.type === 'choice') return categorical(parameter, values);
  const numbers = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const [low, high] = internalBounds(parameter);
  const mixture = parzen(
    numbers.map((v) => toInternal(parameter, v)),
    low,
    high,
  );
  return {
    sample: (random) => fromInternal(parameter, mixture.sample(random)),
    logDensity: (value) => mixture.logDensity(toInternal(parameter, value as number)),
  };
}

/** Smoothed counts: each value's count plus one, so an unseen value keeps some chance. */
function categorical(parameter: ChoiceParameter, values: readonly (ParamScalar | undefined)[]): Density {
  const weights = parameter.values.map((choice) => 1 + values.filter((v) => v === choice).length);
  const total = weights.reduce((a, b) => a + b, 0);
  return {
    sample(random) {
      let r = random() * total;
      for (const [i, weight] of weights.entries()) {
        r -= weight;
        if (r < 0) return parameter.values[i] ?? '';
      }
      return parameter.values[parameter.values.length - 1] ?? '';
    },
    logDensity(value) {
      const i = parameter.values.indexOf(value);
      return Math.log((weights[i] ?? 0) / total);
    },
  };
}

interface Mixture {
  sample(random: RandomSource): number;
  logDensity(x: number): number;
}

/**
 * A mixture of Gaussians truncated to [low, high], one at each point and a prior one at
 * the middle as wide as the range, all weighted equally. Each point's width is the larger
 * gap to its neighbours, kept between range/min(100, n+1) and the range (hyperopt's
 * adaptive Parzen estimator).
 */
export function parzen(points: readonly number[], low: number, high: number): Mixture {
  const range = high - low;
  const prior = (low + high) / 2;
  const mus = [...points, prior].sort((a, b) => a - b);
  const minSigma = range / Math.min(100, mus.length);
  const sigmas = mus.map((mu, i) => {
    const left = mu - (i === 0 ? low : (mus[i - 1] ?? low));
    const right = (i === mus.length - 1 ? high : (mus[i + 1] ?? high)) - mu;
    return Math.min(range, Math.max(minSigma, left, right));
  });
  // The prior keeps the whole range's width.
  const priorIndex = mus.indexOf(prior);
  sigmas[priorIndex] = range;
  const masses = mus.map((mu, i) => {
    const sigma = sigmas[i] ?? range;
    return Math.max(1e-12, normalCdf((high - mu) / sigma) - normalCdf((low - mu) / sigma));
  });
  const weight = 1 / mus.length;
  return {
    sample(random) {
      const i = randomIndex(random, mus.length);
      const mu = mus[i] ?? prior;
      const sigma = sigmas[i] ?? range;
      for (let attempt = 0; attempt < 100; attempt++) {
        const x = mu + sigma * normalDraw(random);
        if (x >= low && x <= high) return x;
      }
      return Math.min(high, Math.max(low, mu));
    },
    logDensity(x) {
      let total = 0;
      mus.forEach((mu, i) => {
        const sigma = sigmas[i] ?? range;
        const z = (x - mu) / sigma;
        total += (weight * Math.exp(-0.5 * z * z)) / (sigma * Math.sqrt(2 * Math.PI) * (masses[i] ?? 1));
      });
      return Math.log(Math.max(total, Number.MIN_VALUE));
    },
  };
}

/** Φ(z), via erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
