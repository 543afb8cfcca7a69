//! Small statistics shared by the detectors.

/// P(X ≥ k) for X ~ Poisson(λ), bounded above: the first term of the tail
/// times a geometric bound on the rest (the terms fall fast once k > λ,
/// and the tests only need to know the tail is tiny).
pub fn poisson_tail(k: u64, lambda: f64) -> f64 {
    if (k as f64) <= lambda {
        return 1.0;
    }
    if lambda <= 0.0 {
        return 0.0;
    }
    let ln_term = k as f64 * lambda.ln() - lambda - ln_factorial(k);
    let ratio = lambda / (k as f64 + 1.0);
    (ln_term.exp() / (1.0 - ratio)).min(1.0)
}

/// ln k!, exactly up to 64, then by Stirling's series (error < 1e-10).
pub(crate) fn ln_factorial(k: u64) -> f64 {
    if k <= 64 {
        return (1..=k).map(|i| (i as f64).ln()).sum();
    }
    let n = k as f64;
    n * n.ln() - n + 0.5 * (2.0 * std::f64::consts::PI * n).ln() + 1.0 / (12.0 * n)
        - 1.0 / (360.0 * n.powi(3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_tail_is_small_far_above_the_mean_and_one_below_it() {
        assert!(poisson_tail(40, 2.0) < 1e-20);
        // P(X >= 3 | λ = 2) = 0.3233
        let p = poisson_tail(3, 2.0);
        assert!((0.32..0.6).contains(&p), "{p}");
        assert_eq!(poisson_tail(1, 2.0), 1.0);
        assert_eq!(poisson_tail(3, 0.0), 0.0);
    }
}
