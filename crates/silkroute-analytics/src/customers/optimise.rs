//! Nelder–Mead minimisation for the model fits. Derivative-free because the BG/NBD and
//! Gamma-Gamma likelihoods are cheap to evaluate but tedious (and error-prone) to
//! differentiate, and both fits have only three or four parameters, where the simplex method
//! is reliable enough once it is restarted (a collapsed simplex is the classic way it stalls
//! short of the optimum).

/// The best point found and whether the stopping tolerances were actually met (as opposed to
/// the evaluation budget running out).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Minimum {
    pub point: Vec<f64>,
    pub value: f64,
    pub converged: bool,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    /// Budget per simplex run, counted in objective evaluations.
    pub max_evaluations: usize,
    /// Stop when the simplex's values differ by no more than this (relative to 1 + |best|).
    pub value_tolerance: f64,
    /// ...and its vertices are within this distance of the best, coordinate-wise.
    pub point_tolerance: f64,
    /// Edge length of the starting simplex, in the units of the (log-)parameters.
    pub initial_step: f64,
    /// Fresh simplexes started from the last optimum before giving up on further gains.
    pub restarts: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_evaluations: 4_000,
            value_tolerance: 1e-10,
            point_tolerance: 1e-7,
            initial_step: 0.5,
            restarts: 6,
        }
    }
}

/// Minimises `objective` from each start in turn (each followed by restarts) and keeps the
/// best. Non-finite objective values count as `+∞`, so the objective can reject infeasible
/// points simply by returning `NaN` or `∞`.
pub(crate) fn minimise(
    objective: &mut impl FnMut(&[f64]) -> f64,
    starts: &[Vec<f64>],
    settings: Settings,
) -> Option<Minimum> {
    let mut best: Option<Minimum> = None;
    for start in starts {
        let mut current = nelder_mead(objective, start, settings);
        for _ in 0..settings.restarts {
            if !current.value.is_finite() {
                break;
            }
            let next = nelder_mead(objective, &current.point, settings);
            let gain = current.value - next.value;
            let settled = gain <= settings.value_tolerance * (1.0 + current.value.abs());
            if next.value <= current.value {
                current = next;
            }
            if settled {
                break;
            }
            // Only a run that ends with nothing left to gain counts as converged.
            current.converged = false;
        }
        let improves = best.as_ref().is_none_or(|b| current.value < b.value);
        if current.value.is_finite() && improves {
            best = Some(current);
        }
    }
    best
}

fn evaluate(objective: &mut impl FnMut(&[f64]) -> f64, point: &[f64]) -> f64 {
    let value = objective(point);
    if value.is_nan() { f64::INFINITY } else { value }
}

/// `base + factor * (towards - base)`, the one affine move all simplex steps are made of.
fn step(base: &[f64], towards: &[f64], factor: f64) -> Vec<f64> {
    base.iter()
        .zip(towards)
        .map(|(b, t)| b + factor * (t - b))
        .collect()
}

/// One Nelder–Mead run with the standard coefficients (reflect 1, expand 2, contract ½,
/// shrink ½).
pub(crate) fn nelder_mead(
    objective: &mut impl FnMut(&[f64]) -> f64,
    start: &[f64],
    settings: Settings,
) -> Minimum {
    let n = start.len();
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n + 1);
    let mut evaluations = 0usize;
    let first = evaluate(objective, start);
    evaluations += 1;
    simplex.push((start.to_vec(), first));
    if n == 0 {
        return Minimum {
            point: Vec::new(),
            value: first,
            converged: first.is_finite(),
        };
    }
    for i in 0..n {
        let mut vertex = start.to_vec();
        vertex[i] += settings.initial_step;
        let value = evaluate(objective, &vertex);
        evaluations += 1;
        simplex.push((vertex, value));
    }

    let mut converged = false;
    while evaluations < settings.max_evaluations {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let best_value = simplex[0].1;
        let worst_value = simplex[n].1;
        let flat =
            (worst_value - best_value).abs() <= settings.value_tolerance * (1.0 + best_value.abs());
        let small = simplex.iter().skip(1).all(|(v, _)| {
            v.iter()
                .zip(&simplex[0].0)
                .all(|(x, b)| (x - b).abs() <= settings.point_tolerance)
        });
        if best_value.is_finite() && flat && small {
            converged = true;
            break;
        }

        let mut centroid = vec![0.0; n];
        for (vertex, _) in &simplex[..n] {
            for (c, x) in centroid.iter_mut().zip(vertex) {
                *c += x / n as f64;
            }
        }
        let worst = simplex[n].0.clone();
        let second_worst_value = simplex[n - 1].1;

        let reflected = step(&centroid, &worst, -1.0);
        let reflected_value = evaluate(objective, &reflected);
        evaluations += 1;

        if reflected_value < best_value {
            let expanded = step(&centroid, &worst, -2.0);
            let expanded_value = evaluate(objective, &expanded);
            evaluations += 1;
            simplex[n] = if expanded_value < reflected_value {
                (expanded, expanded_value)
            } else {
                (reflected, reflected_value)
            };
            continue;
        }
        if reflected_value < second_worst_value {
            simplex[n] = (reflected, reflected_value);
            continue;
        }
        let (contracted, limit) = if reflected_value < worst_value {
            (step(&centroid, &reflected, 0.5), reflected_value)
        } else {
            (step(&centroid, &worst, 0.5), worst_value)
        };
        let contracted_value = evaluate(objective, &contracted);
        evaluations += 1;
        if contracted_value < limit {
            simplex[n] = (contracted, contracted_value);
            continue;
        }
        let best = simplex[0].0.clone();
        for vertex in simplex.iter_mut().skip(1) {
            let shrunk = step(&best, &vertex.0, 0.5);
            let value = evaluate(objective, &shrunk);
            *vertex = (shrunk, value);
        }
        evaluations += n;
    }

    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (point, value) = simplex.swap_remove(0);
    Minimum {
        point,
        value,
        converged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_rosenbrock_valley_floor() {
        let mut rosenbrock =
            |x: &[f64]| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2);
        let found = minimise(&mut rosenbrock, &[vec![-1.2, 1.0]], Settings::default()).unwrap();
        assert!(found.converged);
        assert!((found.point[0] - 1.0).abs() < 1e-4, "{found:?}");
        assert!((found.point[1] - 1.0).abs() < 1e-4, "{found:?}");
    }

    #[test]
    fn infeasible_points_are_avoided_not_fatal() {
        // A bowl centred at (2, 3) behind a wall of NaN for x < 0.
        let mut walled = |x: &[f64]| {
            if x[0] < 0.0 {
                f64::NAN
            } else {
                (x[0] - 2.0).powi(2) + (x[1] - 3.0).powi(2)
            }
        };
        let found = minimise(&mut walled, &[vec![0.1, 0.0]], Settings::default()).unwrap();
        assert!((found.point[0] - 2.0).abs() < 1e-4);
        assert!((found.point[1] - 3.0).abs() < 1e-4);
    }

    #[test]
    fn nowhere_finite_gives_none() {
        let mut nothing = |_: &[f64]| f64::NAN;
        assert!(minimise(&mut nothing, &[vec![0.0, 0.0]], Settings::default()).is_none());
    }
}
