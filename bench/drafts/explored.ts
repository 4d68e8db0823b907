// What bench:drafts' exploration measured for the draft ideas that were tried and removed (their code is gone, so
// these figures are quoted as measured, not re-run): the sampler with experimental options, the freeze grid's
// set-up (Free Drafter, L = 16 with bonus, N = 50, seed 12345), rounds per sample (mean over chains).
export const EXPLORED = `Measured with experimental sampler options before they were removed (figures as measured, not re-run by this benchmark; chains per cell in brackets; the patches-32 rows with a temporary switch back to the parent's evaluation after the rule was kept). Rounds per sample, lower is better.

**Freeze from the nearest evaluation** (after a rejection at window position j, freeze the output at the rejected draft y~_{j+1}, same step as the new state, instead of the parent's). It wins for token-wise verification and loses for block, as ALGORITHMS.md section 5 predicts (the reflection keeps the draft's noise off one direction; block's residual draws a fresh orthogonal part):

| model [chains] | sampler | freeze | token: parent -> nearest | block: parent -> nearest |
|---|---|---|---|---|
| gmm-512 [32] | DDPM | x0 | 17.69 -> 14.78 (-16%) | 16.53 -> 17.66 (+7%) |
| gmm-512 [32] | DDPM | eps | 48.59 -> 31.75 (-35%) | 48.94 -> 49.59 (+1%) |
| digits [128] | DDPM | x0 | 13.24 -> 12.55 (-5%) | 11.90 -> 12.88 (+8%) |
| digits [128] | Euler ancestral | x0 | 14.59 -> 13.61 (-7%) | 12.97 -> 13.94 (+7%) |
| digits [128] | Euler ancestral Karras | x0 | 19.34 -> 17.00 (-12%) | 18.09 -> 19.68 (+9%) |
| digits [32] | DDPM | eps | 21.00 -> 16.88 (-20%) | 18.56 -> 20.47 (+10%) |
| digits [32] | Euler ancestral | eps | 38.78 -> 29.00 (-25%) | 38.69 -> 43.81 (+13%) |
| glyphs [32] | DDPM | x0 | 11.50 -> 10.69 (-7%) | 10.09 -> 10.41 (+3%) |
| gmm-3072 [16] | flow SDE 0.7 | x0 | 31.25 -> 22.50 (-28%) | 30.25 -> 32.50 (+7%) |
| gmm-512 [32] | flow stochastic_sampling | x0 | 39.22 -> 43.69 (+11%) | 38.56 -> 46.25 (+20%) |
| digits [128] | DDPM | gaussian | 12.80 -> 12.05 (-6%) | 11.15 -> 12.30 (+10%) |
| digits [128] | Euler ancestral Karras | gaussian | 17.31 -> 15.26 (-12%) | 16.21 -> 18.11 (+12%) |
| patches-32 [16] | DDPM | x0 | 22.88 -> 18.94 (-17%) | not run |
| patches-32 [16] | DDPM | gaussian | 22.75 -> 19.31 (-15%) | not run |

Unbounded, token + nearest lost on flow matching's stochastic sampling, whose early deltas are large: the reflection then moves the state sigma |delta - 2 s| far from the rejected draft, and with the gaussian draft it failed outright (gmm-512: 39.13 +- 5.34 against 8.44 for the parent). Bounds tried (gaussian, token; unbounded / delta <= 4 / shift |delta - 2 s| <= 2 / shift <= 4; parent): digits DDPM [128] 12.05 / 12.05 / 12.20 / 11.99 (parent 12.71); digits Karras [128] 15.26 / 15.23 / 15.96 / 15.32 (17.38); gmm-512 flow stochastic [32] 39.13 / 8.91 / 8.59 / 8.81 (8.44); gmm-512 flow SDE 0.3 [32] 7.84 / 7.84 / 8.19 / 7.69 (8.25); gmm-512 DDPM [32] 6.94 / 6.94 / 6.00 / 6.75 (6.16). Kept: token-wise, nearest when the shift is at most 4 noise stds; block, always the parent.

**Extrapolating the frozen value linearly in log-SNR** (lambda = log(a^2 / s^2)) from the last two evaluations on the path, damped by gamma: lost everywhere it was measured (x0 freeze). Rounds, x0 freeze -> gamma 0.5 (gamma 1 where measured):

| model [chains] | sampler | token | block |
|---|---|---|---|
| gmm-512 [32] | DDPM | 17.69 -> 18.50 (19.38) | 16.53 -> 17.66 (18.56) |
| digits [32] | DDPM | 13.31 -> 15.41 | 11.75 -> 13.53 |
| digits [32] | Euler ancestral | 14.41 -> 16.47 | 12.88 -> 15.22 |
| digits [32] | Euler ancestral Karras | 19.38 -> 20.84 | 18.00 -> 19.88 |
| glyphs [32] | DDPM | 11.50 -> 11.75 | 10.09 -> 10.81 |

Why it cannot win: under the exact reverse process x0_hat = E[x0 | x_t] is a martingale (E[E[x0 | x_s] | x_t] = E[x0 | x_t] for s < t), so its increments along the path have mean zero given the past: any trend fitted from past evaluations is noise, and the old linear-in-t extrapolation lost for the same reason. What is predictable is how x0_hat moves with the drafted state itself, since the draft noise is known: that is the gaussian draft, x0_D(y) = m + B (y - a m).

**Fitting the gaussian draft's r** from (a) the pair (tau - 1, tau) on the path, (b) every consecutive pair of the window's rows, (c) the pair (tau, tau + 1), which streams with no extra row; with decayed sums (decay 0, 0.5, 0.8). digits [128], DDPM: block (a) 11.28, decay 0.5 11.16, decay 0.8 11.15, (c) with 0.8 11.30; token (a) 12.84 / 12.77 / 12.80, (c) 12.71. Karras block: 16.38 / 16.31 / 16.21, (c) 16.27. (b) [32]: token 13.13 against (a) 12.66, block 11.66 against 11.22: no gain for L times the work. Kept: (c) with decay 0.8.

**Several drafts per step (draft trees)**: not attempted.`;
