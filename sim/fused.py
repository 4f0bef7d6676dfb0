"""Fused per-enterprise loops (numba) for the hottest phases of a month.

Each function here is one pass (or a few) over the enterprise arrays that computes what a chain
of numpy expressions in a mechanism module computes, without the temporaries: the mechanism
module keeps the rule and its sources in its docstring and calls the loop. The numpy form of
each rule is kept in ``tests/test_sim_fused.py`` as the reference the loop is checked against
(equal to float32 rounding). Random draws are made by the caller from the mechanism's named
stream, so the streams and the common random numbers are the same as without the loops.

Transcendental functions (exp, log, pow) stay in numpy, which evaluates them with SIMD several
times faster than numba's scalar calls on this machine (benchmarks/README or docs/benchmarks.md):
the callers pass them in as arrays, and the loops do the arithmetic, the county sums and the
updates. Arithmetic is in float64 and stored as float32 (the state's dtype, sim/state.py).
County sums use the county index of each slot directly.
Compiled on first use and cached on disk (``cache=True``: a few seconds once per machine).
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: The fine level (pyramid step) a caught violator is fined at (sim/mechanisms/sanctions.py).
_FINE = 2


@njit(cache=True, inline="always")
def _sum(x, start, end):
    """Sum of x[start:end] with four interleaved accumulators (a chain of dependent additions
    would wait on each one: the order is fixed, so the result is deterministic)."""
    a0 = a1 = a2 = a3 = 0.0
    i = start
    while i + 4 <= end:
        a0 += x[i]
        a1 += x[i + 1]
        a2 += x[i + 2]
        a3 += x[i + 3]
        i += 4
    while i < end:
        a0 += x[i]
        i += 1
    return (a0 + a1) + (a2 + a3)


@njit(cache=True)
def county_sums(x, county, n_counties):
    """Sums of x by county (float64); slots lie county by county (sim/rollup.py), so each
    county is one run. Unsorted input is summed correctly too, run by run."""
    out = np.zeros(n_counties)
    n = county.shape[0]
    start = 0
    while start < n:
        c = county[start]
        end = start + 1
        while end < n and county[end] == c:
            end += 1
        out[c] += _sum(x, start, end)
        start = end
    return out


@njit(cache=True)
def compliance_margin(
    review, caught_weight, expected_leniency, level, blacklist_months, risk_weight, owner_awareness, county,
    county_peers, fine_base, escalation, joint_weight, accident_weight, moral_weight, violator_spending,
):  # fmt: skip
    """Net benefit of complying, Delta, of the firms in ``review`` [months of compliance cost]
    (float32, one per reviewing firm).

    caught_weight, risk_weight: decision weights of the perceived chance of being caught and of
    the accident rate of those firms (computed by the caller); fine_base: the fine at the fine
    step; escalation: extra per step up; joint_weight: joint-punishment weight of a listing;
    accident_weight: accident_cost x management_effect; county_peers: the peer term per county.
    """
    n = review.shape[0]
    delta = np.empty(n, np.float32)
    # float32 as the state, in the order of the numpy rule (so that the two agree to the bit)
    one = np.float32(1.0)
    fine, esc, joint = np.float32(fine_base), np.float32(escalation), np.float32(joint_weight)
    acc, moral, saved = np.float32(accident_weight), np.float32(moral_weight), np.float32(1.0 - violator_spending)
    for k in range(n):
        i = review[k]
        steps = np.float32(max(int(level[i]) + 1 - _FINE, 0))
        listed = one if blacklist_months[i] > 0 else np.float32(0.0)
        sanction = (fine * (one + esc * steps)) * (one + joint * (one + listed))
        d = caught_weight[k] * (one - expected_leniency[i]) * sanction
        d = d + risk_weight[k] * acc
        d = d + moral * owner_awareness[i]
        d = d + county_peers[county[i]]
        delta[k] = d - saved
    return delta


@njit(cache=True)
def comply(review, odds_against, u, intrinsic, compliant, investment, management, review_rate, violator_spending,
           adjustment):  # fmt: skip
    """Choices of the reviewing firms given exp(-Delta / T) for each, then spending and safety
    management of every firm; updates compliant, investment and management in place."""
    one, spend, adj = np.float32(1.0), np.float32(violator_spending), np.float32(adjustment)
    rate = np.float32(review_rate)
    for k in range(review.shape[0]):
        i = review[k]
        compliant[i] = (u[i] / rate) < one / (one + odds_against[k])
    for i in range(compliant.shape[0]):
        c = compliant[i] | intrinsic[i]
        compliant[i] = c
        inv = one if c else spend
        investment[i] = inv
        m = management[i]
        management[i] = m + adj * (inv - m)


@njit(cache=True)
def learn(
    caught_probability, own_signal, letoff, is_regulated, compliant, active, county, n_counties,
    perceived_detection, expected_leniency, publicity_salience, rate, own_weight,
):  # fmt: skip
    """Learning of perceived detection and leniency (compliance.learn), in place: each county's
    expected penalties per active firm this month, times publicity_salience, is what its
    regulated firms hear of."""
    n = caught_probability.shape[0]
    expected = np.empty(n)
    alive = np.empty(n)
    for i in range(n):
        breach = (not compliant[i]) & active[i]
        expected[i] = caught_probability[i] * (1.0 - letoff[i]) * breach
        alive[i] = active[i]
    penalties = county_sums(expected, county, n_counties)
    firms = county_sums(alive, county, n_counties)
    heard = np.empty(n_counties, np.float32)
    for c in range(n_counties):
        heard[c] = publicity_salience * (penalties[c] / max(firms[c], 1.0))
    # float32 as the state, in the order of the numpy rule (so that the two agree to the bit)
    zero, one = np.float32(0.0), np.float32(1.0)
    rest, own, r = np.float32(1.0 - own_weight), np.float32(own_weight), np.float32(rate)
    for i in range(n):
        publicity = heard[county[i]] if is_regulated[i] else zero
        peers = min(caught_probability[i] + publicity, one)
        signal = rest * peers + own * own_signal[i]
        pd = perceived_detection[i]
        perceived_detection[i] = pd + r * (signal - pd)
        el = expected_leniency[i]
        expected_leniency[i] = el + float(r) * (letoff[i] - el)


@njit(cache=True)
def log_score(log_risk, sector, platform_draw, active, chemicals, chem_platform, score_noise, quality):
    """Log risk score q log(risk) + (1 - q)(mean log risk + noise) per firm, q = 1 on the
    chemicals platform (information.on_platform) (float32), and its maximum."""
    n = log_risk.shape[0]
    mean_log = _sum(log_risk, 0, n) / max(n, 1)
    out = np.empty(n, np.float32)
    for i in range(n):
        on_platform = (sector[i] == chemicals) & (platform_draw[i] < chem_platform) & active[i]
        q = 1.0 if on_platform else quality
        out[i] = q * log_risk[i] + (1.0 - q) * (mean_log + score_noise[i])
    return out, out.max()


@njit(cache=True)
def inclusion(
    score, report_month, targeted_months, blacklist_months, sector, county, is_regulated, active,
    n_counties, county_count, k_agents, campaign_weight, u,
    month_number, shelf_life, report_weight, tau, targeted_weight, blacklist_floor, catch,
):  # fmt: skip
    """Who is inspected this month (u < inclusion probability pi) and P(a violation is found)
    = catch x pi, per firm (inspection.select). score: risk score per firm (before fresh
    reports); county_count: slots per county (all slots, as the county mean of the score);
    k_agents: inspections per county in agents; u: one uniform per firm."""
    n = score.shape[0]
    s = np.empty(n)
    for i in range(n):
        si = score[i]
        if report_month[i] <= month_number and report_month[i] > month_number - shelf_life:
            si *= 1.0 + report_weight
        s[i] = si
    score_sum = county_sums(s, county, n_counties)
    scale = np.empty(n_counties)  # tau / the county's mean score
    for c in range(n_counties):
        scale[c] = tau / max(score_sum[c] / max(county_count[c], 1), 1e-30)
    for i in range(n):
        if not (is_regulated[i] and active[i]):
            s[i] = 0.0
            continue
        wi = (1.0 - tau) + s[i] * scale[county[i]]
        if targeted_months[i] > 0:
            wi *= targeted_weight
        wi *= campaign_weight[sector[i]]
        s[i] = wi  # now the weight
    w_sum = county_sums(s, county, n_counties)
    ratio = np.empty(n_counties)
    for c in range(n_counties):
        ratio[c] = k_agents[c] / max(w_sum[c], 1e-30)
    chosen = np.empty(n, np.bool_)
    caught = np.empty(n, np.float32)
    catch32 = np.float32(catch)
    for i in range(n):
        p = min(1.0, ratio[county[i]] * s[i])
        if blacklist_months[i] > 0 and is_regulated[i] and active[i]:
            p = max(p, blacklist_floor)
        p32 = np.float32(p)
        chosen[i] = u[i] < p32
        caught[i] = p32 * catch32
    return chosen, caught


@njit(cache=True)
def patrol(
    active, major_hazard, county, n_counties, grids_per_county, u, find_chance, hazards,
    owner_awareness, report_hazards, report_month,
    firms_per_agent, coverage_visits, has_workers, find_scale, fix_share, visit_gain, report_at,
):  # fmt: skip
    """Grid patrols (grid.patrol): returns (visited, reported, visit probability); hazards,
    awareness and reports are updated in place. find_chance: 1 - exp(-hazards / violation_hazards)
    per firm; coverage_visits: workers per grid x visits per worker; find_scale: grid_skill_ratio
    x inspector_skill."""
    n = active.shape[0]
    firms = county_sums(active, county, n_counties)
    coverage = np.empty(n_counties)
    for c in range(n_counties):
        real_per_grid = firms[c] * firms_per_agent / max(grids_per_county[c], 1)
        coverage[c] = min(1.0, coverage_visits / max(real_per_grid, 1.0))
    visited = np.empty(n, np.bool_)
    reported = np.empty(n, np.bool_)
    v = np.empty(n, np.float32)
    keep = np.float32(1.0 - fix_share)
    gain = np.float32(visit_gain)
    for i in range(n):  # branch-free where the draws decide: those branches would mispredict
        vi = 1.0 if (has_workers & major_hazard[i]) else coverage[county[i]]
        vi = np.float32(vi) * active[i]
        v[i] = vi
        seen = u[i] < vi
        # a find needs a visit (the same draw below a lower threshold), see grid.patrol
        found = u[i] < vi * (find_scale * find_chance[i])
        visited[i] = seen
        reported[i] = found
        if found:  # rare: a predictable branch, and no writes for the others
            h = hazards[i] * keep
            hazards[i] = h
            report_hazards[i] = h
            report_month[i] = report_at
        aw = owner_awareness[i]
        owner_awareness[i] = min(np.float32(1.0), aw + gain) if seen else aw
    return visited, reported, v


@njit(cache=True)
def train_and_decay(u, active, forced, branch_draw, owner, worker, train_chance, party_building, training_gain,
                    branch_gain, decay, floor):  # fmt: skip
    """Training draws, party-branch influence and awareness decay (awareness.train_and_decay),
    in float32 as the state; updates both awareness arrays in place and returns who was trained.
    forced: slots trained whatever the draw (in-silico experiments)."""
    n = u.shape[0]
    trained = np.empty(n, np.bool_)
    zero, one = np.float32(0.0), np.float32(1.0)
    g_train, g_branch = np.float32(training_gain), np.float32(branch_gain)
    d, f = np.float32(decay), np.float32(floor)
    for i in range(n):
        t = ((u[i] < train_chance) & active[i]) | forced[i]
        trained[i] = t
        gain = (g_train if t else zero) + g_branch * np.float32(branch_draw[i] < party_building)
        a = owner[i]
        a = a + (gain * (one - a) - d * (a - f))
        owner[i] = min(max(a, zero), one)
        a = worker[i]
        a = a + (gain * (one - a) - d * (a - f))
        worker[i] = min(max(a, zero), one)
    return trained


@njit(cache=True)
def evolve_hazards(investment, equipment, hazards, hazard_size, renewal, equipment_decay, inflow_rate, floor,
                   equipment_factor, repair):  # fmt: skip
    """Equipment ageing and hidden-hazard build-up (hazards.evolve), float32 as the state."""
    one, zero = np.float32(1.0), np.float32(0.0)
    r, dcy, q = np.float32(renewal), np.float32(equipment_decay), np.float32(inflow_rate)
    fl, rest, fac, rep = np.float32(floor), np.float32(1.0 - floor), np.float32(equipment_factor), np.float32(repair)
    for i in range(investment.shape[0]):
        s = investment[i]
        e = equipment[i]
        e = e + (r * s * (one - e) - dcy * (one - s))
        e = min(max(e, zero), one)
        equipment[i] = e
        inflow = q * hazard_size[i] * (fl + rest * (one - s))
        inflow = inflow * (one + fac * (one - e))
        h = hazards[i] * (one - rep * s)
        hazards[i] = h + inflow


@njit(cache=True, fastmath=True)  # records only: sums may be reassociated (vectorised)
def county_stocks(county, n_counties, visited, reported, trained, safety_cost, investment, compliant, hazards,
                  is_regulated, blacklist_months, sector, chemicals, major_hazard, active):  # fmt: skip
    """The month-end stocks per county (recorder._stocks), one pass: columns grid_visits,
    grid_reports, trained, compliance cost, compliant, hidden hazards, unregulated, blacklisted,
    chemical, major hazard, enterprises (in slots; the caller scales by firms per agent)."""
    out = np.zeros((n_counties, 11))
    n = county.shape[0]
    start = 0
    while start < n:  # slots lie county by county: sum each run of one county in registers
        c = county[start]
        end = start
        while end < n and county[end] == c:
            end += 1
        s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = s8 = s9 = s10 = 0.0
        for i in range(start, end):
            a = active[i]
            s0 += visited[i]
            s1 += reported[i]
            s2 += trained[i]
            s3 += safety_cost[i] * investment[i] * a
            s4 += compliant[i] & a
            s5 += hazards[i] * a
            s6 += (not is_regulated[i]) & a
            s7 += blacklist_months[i] > 0
            s8 += (sector[i] == chemicals) & a
            s9 += major_hazard[i] & a
            s10 += a
        row = out[c]
        row[0] += s0
        row[1] += s1
        row[2] += s2
        row[3] += s3
        row[4] += s4
        row[5] += s5
        row[6] += s6
        row[7] += s7
        row[8] += s8
        row[9] += s9
        row[10] += s10
        start = end
    return out


@njit(cache=True)
def sector_counts(region, sector, active, n_sectors):
    """Active firms by region (3) and sector (demography.current_sector_mix)."""
    out = np.zeros((3, n_sectors))
    for i in range(region.shape[0]):
        if active[i]:
            out[region[i], sector[i]] += 1.0
    return out


@njit(cache=True)
def fade(clean_months, level, targeted_months, blacklist_months, suspended_months, deterrence_months):
    """Monthly de-escalation and countdowns (sanctions.fade), in place."""
    for i in range(clean_months.shape[0]):
        c = clean_months[i] + 1
        if c >= deterrence_months:
            level[i] = max(level[i] - 1, 0)
            c = 0
        clean_months[i] = c
        if targeted_months[i] > 0:
            targeted_months[i] -= 1
        if blacklist_months[i] > 0:
            blacklist_months[i] -= 1
        if suspended_months[i] > 0:
            suspended_months[i] -= 1


@njit(cache=True)
def relax_ties(tie, inspector, inspector_native, native_tie, decay):
    """Ties relax toward their resting level (leniency.relax_ties), float32 as the state."""
    nt, d, zero = np.float32(native_tie), np.float32(decay), np.float32(0.0)
    for i in range(tie.shape[0]):
        rest = nt if inspector_native[inspector[i]] else zero
        tie[i] = tie[i] + d * (rest - tie[i])


@njit(cache=True)
def reset_ties(tie, inspector, rotated):
    """Ties of firms whose inspector rotated are reset (leniency.rotate)."""
    for i in range(tie.shape[0]):
        if rotated[inspector[i]]:
            tie[i] = 0.0


@njit(cache=True)
def county_share(flag, active, county, n_counties):
    """Share of a county's active firms with ``flag`` set (0 where none are active)."""
    n = county.shape[0]
    both = np.empty(n)
    alive = np.empty(n)
    for i in range(n):
        both[i] = flag[i] & active[i]
        alive[i] = active[i]
    num = county_sums(both, county, n_counties)
    den = county_sums(alive, county, n_counties)
    out = np.empty(n_counties)
    for c in range(n_counties):
        out[c] = num[c] / max(den[c], 1.0)
    return out


@njit(cache=True)
def rates(suspended_months, base_exposure, management, worker_awareness, conditions, base_rate, unsafe_rate,
          management_effect, awareness_effect, combined_amplifier, unavoidable_rate):  # fmt: skip
    """Accident rates by cause and in all (accidents.rates), float32 in the numpy rule's order.
    conditions: 1 - exp(-condition_sensitivity hazards) per firm."""
    n = base_exposure.shape[0]
    human = np.empty(n, np.float32)
    combined = np.empty(n, np.float32)
    unavoidable = np.empty(n, np.float32)
    total = np.empty(n, np.float32)
    one, zero = np.float32(1.0), np.float32(0.0)
    br, ur, me = np.float32(base_rate), np.float32(unsafe_rate), np.float32(management_effect)
    ae, amp, un = np.float32(awareness_effect), np.float32(combined_amplifier), np.float32(unavoidable_rate)
    for i in range(n):
        base = br * (zero if suspended_months[i] > 0 else base_exposure[i])
        acts = base * ((ur * (one - me * management[i])) * (one - ae * worker_awareness[i]))
        uc = conditions[i]
        h = acts * (one - uc)
        c = acts * uc * amp
        u = base * un
        human[i] = h
        combined[i] = c
        unavoidable[i] = u
        total[i] = h + c + u
    return human, combined, unavoidable, total


@njit(cache=True, fastmath=True)  # records only: sums may be reassociated
def pyramid_sums(human, combined, unavoidable, sector, combined_share, minor_ratio, near_ratio, county, n_counties,
                 firms_per_agent):  # fmt: skip
    """Expected minor injuries and near misses per county this month [real events]
    (severity.pyramid_expectations summed by county)."""
    n = human.shape[0]
    minor = np.empty(n)
    near = np.empty(n)
    for i in range(n):
        plain = firms_per_agent * (human[i] + unavoidable[i] + combined_share[sector[i]] * combined[i])
        minor[i] = plain * minor_ratio[i]
        near[i] = plain * near_ratio[i]
    return county_sums(minor, county, n_counties), county_sums(near, county, n_counties)


@njit(cache=True)
def letoff(odds_against, county, county_discipline, local_share):
    """P(a violation found at a firm is let off) per firm: local_share x sigma(kappa g -
    threshold) x the county's discipline (leniency.leniency), given exp(-(kappa g - threshold))
    per firm (float32, from numpy); float64 as the numpy rule."""
    n = odds_against.shape[0]
    out = np.empty(n)
    one = np.float32(1.0)
    for i in range(n):
        ties = one / (one + odds_against[i])
        out[i] = local_share * (ties * county_discipline[county[i]])
    return out
