"""Fused per-enterprise loops (numba) for the hottest phases of a month.

Each function here is one pass (or a few) over the enterprise arrays that computes what a chain
of numpy expressions in a mechanism module computes, without the temporaries: the mechanism
module keeps the rule and its sources in its docstring and calls the loop. The numpy form of
each rule is kept in ``tests/test_sim_fused.py`` as the reference the loop is checked against
(equal to float32 rounding). Random draws are made by the caller from the mechanism's named
stream, so the streams and the common random numbers are the same as without the loops.

Transcendental functions (exp, log, pow) stay in numpy, which evaluates them with SIMD several
times faster than numba's scalar calls on this machine (docs/benchmarks.md): the callers pass
them in as arrays, and the loops do the arithmetic, the county sums and the updates. Updates of
the state follow the numpy rule's float32 operations in its order (so most agree to the bit);
intermediate quantities are float64. Loops are branch-free where a random draw decides (such
branches mispredict). County sums go over the runs of one county (slots lie county by county):
counts as integers, amounts as float64 sums.
Compiled on first use and cached on disk (``cache=True``: about 9 s once per machine).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, fastmath={"reassoc"})
def _sum(x, start, end):
    """Sum of x[start:end] (float64). Reassociation lets the compiler vectorise it: the order is
    fixed by the compiled loop, so the result is deterministic (not that of a sequential sum)."""
    acc = 0.0
    for i in range(start, end):
        acc += x[i]
    return acc


@njit(cache=True)
def _runs(county):
    """Start of each run of one county in the slot order, and the end (slots lie county by
    county, sim/rollup.py; an unsorted index just makes more, shorter runs)."""
    n = county.shape[0]
    starts = [0]
    for i in range(1, n):
        if county[i] != county[i - 1]:
            starts.append(i)
    starts.append(n)
    return np.array(starts)


@njit(cache=True)
def county_sums(x, county, n_counties):
    """Sums of x by county (float64)."""
    out = np.zeros(n_counties)
    runs = _runs(county)
    for r in range(runs.shape[0] - 1):
        out[county[runs[r]]] += _sum(x, runs[r], runs[r + 1])
    return out


@njit(cache=True)
def county_counts(flag, active, county, n_counties):
    """Active firms with ``flag`` set, and active firms, by county (integer sums: exact, and
    several times faster than adding booleans as floats)."""
    both = np.zeros(n_counties)
    alive = np.zeros(n_counties)
    runs = _runs(county)
    for r in range(runs.shape[0] - 1):
        k = 0
        m = 0
        for i in range(runs[r], runs[r + 1]):
            a = np.int64(active[i])
            k += np.int64(flag[i]) & a
            m += a
        c = county[runs[r]]
        both[c] += k
        alive[c] += m
    return both, alive


@njit(cache=True)
def compliance_margin(
    review, caught_weight, sanction, expected_leniency, risk_weight, owner_awareness, county, county_peers,
    accident_weight, moral_weight, violator_spending,
):  # fmt: skip
    """Net benefit of complying, Delta, of the firms in ``review`` [months of compliance cost]
    (float32, one per reviewing firm).

    caught_weight, sanction, risk_weight: per reviewing firm, the decision weight of the
    perceived chance of being caught, the sanction if caught (compliance.sanction_if_caught) and
    the decision weight of the accident rate (computed by the caller); accident_weight:
    accident_cost x management_effect; county_peers: the peer term per county.
    """
    n = review.shape[0]
    delta = np.empty(n, np.float32)
    # float32 as the state, in the order of the numpy rule (so that the two agree to the bit)
    one = np.float32(1.0)
    acc, moral, saved = np.float32(accident_weight), np.float32(moral_weight), np.float32(1.0 - violator_spending)
    for k in range(n):
        i = review[k]
        d = caught_weight[k] * (one - expected_leniency[i]) * sanction[k]
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
    for i in range(n):
        breach = (not compliant[i]) & active[i]
        expected[i] = caught_probability[i] * (1.0 - letoff[i]) * breach
    penalties = county_sums(expected, county, n_counties)
    firms = county_counts(active, active, county, n_counties)[1]
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
    firms = county_counts(active, active, county, n_counties)[1]
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


@njit(cache=True)
def county_stocks(county, n_counties, visited, reported, trained, safety_cost, investment, compliant, hazards,
                  is_regulated, blacklist_months, sector, chemicals, major_hazard, active):  # fmt: skip
    """The month-end stocks per county (recorder._stocks), one pass: columns grid_visits,
    grid_reports, trained, compliance cost, compliant, hidden hazards, unregulated, blacklisted,
    chemical, major hazard, enterprises (in slots; the caller scales by firms per agent).
    Counts are integer sums; the two amounts are summed in float64 (sim/fused._sum)."""
    n = county.shape[0]
    cost = np.empty(n)
    stock = np.empty(n)
    for i in range(n):
        a = active[i]
        cost[i] = safety_cost[i] * investment[i] * a
        stock[i] = hazards[i] * a
    out = np.zeros((n_counties, 11))
    runs = _runs(county)
    for r in range(runs.shape[0] - 1):
        k0 = k1 = k2 = k4 = k6 = k7 = k8 = k9 = k10 = 0
        for i in range(runs[r], runs[r + 1]):
            a = np.int64(active[i])
            k0 += np.int64(visited[i])
            k1 += np.int64(reported[i])
            k2 += np.int64(trained[i])
            k4 += np.int64(compliant[i]) & a
            k6 += np.int64(not is_regulated[i]) & a
            k7 += np.int64(blacklist_months[i] > 0)
            k8 += np.int64(sector[i] == chemicals) & a
            k9 += np.int64(major_hazard[i]) & a
            k10 += a
        row = out[county[runs[r]]]
        row[0] += k0
        row[1] += k1
        row[2] += k2
        row[3] += _sum(cost, runs[r], runs[r + 1])
        row[4] += k4
        row[5] += _sum(stock, runs[r], runs[r + 1])
        row[6] += k6
        row[7] += k7
        row[8] += k8
        row[9] += k9
        row[10] += k10
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
    num, den = county_counts(flag, active, county, n_counties)
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
