#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Judge the IGMPv3 and MLDv2 reports of dpgram against the steps of
dpdk_mcast_querier.sh and the queries of the Linux bridge (the querier).

usage: mcast_querier_check.py CAPTURE STEPS STACK_MAC SLACK_MS KEY=VALUE...

STEPS has one "LABEL EPOCH" line per step boundary (the test writes them):
join, join_done, q1, ssm1, ssm1_done, q2, ssm2, ssm2_done, unssm1,
unssm1_done, q3, leave, leave_done, unssm2, unssm2_done, end.
KEY=VALUE: G1 G2 S1 S2 (IPv4) and H1 H2 T1 T2 (IPv6) -- the any-source
group, the source-specific group and its two sources; SN6 the
solicited-node group of the stack's IPv6 address.

Checks, each printed as "ok: ..." or "PROBLEM: ...":
 - after each membership change, a report from the stack with the record
   RFC 3376 section 5.1 / RFC 3810 section 6.1 prescribe, before the next step;
 - every general query of the bridge while the stack has state is answered
   within its Max Resp Time (+ SLACK_MS) by a report of current-state
   records; each answer carries the state of the moment it is sent (for the
   test's groups), and the states after the join, the source-specific join
   and the filter change each appear in an answer;
 - after the leaves, no current-state record for the groups left.
Exit 0 without problems, 1 otherwise.
"""
import subprocess
import sys

IS_IN, IS_EX, TO_IN, TO_EX, ALLOW, BLOCK = 1, 2, 3, 4, 5, 6
NAMES = {1: 'IS_IN', 2: 'IS_EX', 3: 'TO_IN', 4: 'TO_EX', 5: 'ALLOW', 6: 'BLOCK'}
FIELDS = ['frame.number', 'frame.time_epoch', 'eth.src',
          'igmp.type', 'igmp.maddr', 'igmp.max_resp', 'igmp.record_type', 'igmp.num_src',
          'igmp.saddr',
          'icmpv6.type', 'icmpv6.mld.multicast_address', 'icmpv6.mld.maximum_response_code',
          'icmpv6.mldr.mar.record_type', 'icmpv6.mldr.mar.nb_sources',
          'icmpv6.mldr.mar.multicast_address', 'icmpv6.mldr.mar.source_address']
problems = 0


def problem(msg):
    global problems
    problems += 1
    print(f"PROBLEM: {msg}", flush=True)


def ok(msg):
    print(f"ok: {msg}", flush=True)


def split(v):
    return [x for x in v.split(',') if x] if v else []


def records(types, counts, groups, sources):
    """[(type, group, frozenset(sources))] from tshark's flattened lists."""
    out, k = [], 0
    for t, n, g in zip(types, counts, groups):
        n = int(n)
        out.append((int(t), g, frozenset(sources[k:k + n])))
        k += n
    return out


def read_frames(cap, stack_mac):
    """Queries (family, time, mrt_s, general) and the stack's reports
    (family, time, frame, records)."""
    res = subprocess.run(['tshark', '-r', cap, '-T', 'fields', '-E', 'occurrence=a',
                          '-E', 'aggregator=,', '-Y', 'igmp || icmpv6.type in {130,143}']
                         + sum((['-e', f] for f in FIELDS), []),
                         capture_output=True, text=True, check=True)
    queries, reports = [], []
    for line in res.stdout.splitlines():
        f = dict(zip(FIELDS, line.split('\t')))
        t = float(f['frame.time_epoch'])
        if f['igmp.type'] == '0x11':
            # IGMPv3 Max Resp Code below 128 is in tenths of a second.
            queries.append((4, t, int(f['igmp.max_resp'] or 0) / 10,
                            f['igmp.maddr'] == '0.0.0.0'))
        elif f['icmpv6.type'] == '130':
            queries.append((6, t, int(f['icmpv6.mld.maximum_response_code'] or 0) / 1000,
                            f['icmpv6.mld.multicast_address'] == '::'))
        elif f['eth.src'] != stack_mac:
            continue
        elif f['igmp.type'] == '0x22':
            # In a report, igmp.maddr lists each record's group.
            recs = records(split(f['igmp.record_type']), split(f['igmp.num_src']),
                           split(f['igmp.maddr']), split(f['igmp.saddr']))
            reports.append((4, t, f['frame.number'], recs))
        elif f['icmpv6.type'] == '143':
            recs = records(split(f['icmpv6.mldr.mar.record_type']),
                           split(f['icmpv6.mldr.mar.nb_sources']),
                           split(f['icmpv6.mldr.mar.multicast_address']),
                           split(f['icmpv6.mldr.mar.source_address']))
            reports.append((6, t, f['frame.number'], recs))
    return queries, reports


def fmt(rec):
    t, g, s = rec
    return f"{NAMES.get(t, t)}({g}, {{{', '.join(sorted(s))}}})"


def expect_record(reports, fam, t0, t1, types, group, sources, what):
    """A report of family fam in (t0, t1) with a record of one of types for
    group and exactly sources."""
    want = frozenset(sources)
    for f, t, num, recs in reports:
        if f == fam and t0 < t < t1:
            for r in recs:
                if r[0] in types and r[1] == group and r[2] == want:
                    ok(f"{what}: {fmt(r)} in frame {num}, {t - t0:.3f} s after the step")
                    return
    seen = [f"frame {num}: " + ' '.join(fmt(r) for r in recs)
            for f, t, num, recs in reports if f == fam and t0 < t < t1]
    problem(f"{what}: no {'/'.join(NAMES[x] for x in types)}({group}, {{{', '.join(sorted(want))}}})"
            f" between the step and the next; the stack's reports then: {seen or 'none'}")


def current_state(recs, groups):
    """The current-state records (IS_IN, IS_EX) of a report for groups (the
    test's: the stack also reports groups of its own, such as its
    solicited-node groups)."""
    return frozenset(r for r in recs if r[0] in (IS_IN, IS_EX) and r[1] in groups)


def check_answers(queries, reports, fam, t0, t1, slack, groups):
    """Every general query in (t0, t1) answered in time by current-state
    records. Returns the answers [(query time, answer time, state)]."""
    answers = []
    for f, tq, mrt, general in queries:
        if f != fam or not general or not t0 < tq < t1:
            continue
        hit = [(t, num, recs) for g, t, num, recs in reports
               if g == fam and tq < t <= tq + mrt + slack and current_state(recs, groups)]
        if hit:
            t, num, recs = hit[0]
            ok(f"IPv{fam} general query at +{tq - t0:.3f} s (Max Resp {mrt:.1f} s) answered"
               f" {t - tq:.3f} s later (frame {num}): {' '.join(fmt(r) for r in recs)}")
            answers.append((tq, t, current_state(recs, groups)))
        else:
            problem(f"IPv{fam} general query at +{tq - t0:.3f} s (Max Resp {mrt:.1f} s):"
                    f" no current-state report from the stack within {mrt + slack:.3f} s")
    return answers


def show(state):
    return ' '.join(fmt(r) for r in sorted(state)) or 'nothing'


def expect_states(answers, fam, timeline, T):
    """Each answer carries the state of the moment it was sent: the state
    after the last step begun before it (either side of a step still in
    progress). Each stable state must have been reported at least once."""
    seen = set()
    for tq, t, state in answers:
        allowed = {timeline[0][1]}
        for label, after, _ in timeline[1:]:
            if t >= T[label + '_done']:
                allowed = {after}
            elif t >= T[label]:
                allowed.add(after)
        if state in allowed:
            seen.add(state)
        else:
            problem(f"IPv{fam} answer at +{t - T['join']:.3f} s carries {show(state)},"
                    f" want {' or '.join(show(a) for a in allowed)}")
    for label, state, required in timeline[1:]:
        if not required:
            continue
        if state not in seen:
            problem(f"IPv{fam}: no answer to a general query carried the state after"
                    f" '{label}': {show(state)}")
        else:
            ok(f"IPv{fam}: the state after '{label}' answered: {show(state)}")


def main():
    cap, steps_file, stack_mac, slack_ms = sys.argv[1:5]
    kv = dict(a.split('=', 1) for a in sys.argv[5:])
    slack = int(slack_ms) / 1000
    T = {}
    with open(steps_file) as fh:
        for line in fh:
            label, epoch = line.split()
            T[label] = float(epoch)
    queries, reports = read_frames(cap, stack_mac)
    print(f"{len(queries)} queries from the bridge, {len(reports)} reports from the stack")
    for fam, g1, g2, s1, s2 in ((4, kv['G1'], kv['G2'], kv['S1'], kv['S2']),
                                (6, kv['H1'], kv['H2'], kv['T1'], kv['T2'])):
        print(f"--- IPv{fam}: any-source {g1}, source-specific {g2} from {s1} then {s2}")
        expect_record(reports, fam, T['join'], T['ssm1'], [TO_EX], g1, [], f"join {g1}")
        expect_record(reports, fam, T['ssm1'], T['ssm2'], [ALLOW, TO_IN], g2, [s1],
                      f"join ({s1}, {g2})")
        expect_record(reports, fam, T['ssm2'], T['unssm1'], [ALLOW], g2, [s2],
                      f"add source ({s2}, {g2})")
        expect_record(reports, fam, T['unssm1'], T['leave'], [BLOCK], g2, [s1],
                      f"drop source ({s1}, {g2})")
        expect_record(reports, fam, T['leave'], T['unssm2'], [TO_IN], g1, [], f"leave {g1}")
        expect_record(reports, fam, T['unssm2'], T['end'], [BLOCK], g2, [s2],
                      f"drop the last source ({s2}, {g2})")
        answers = check_answers(queries, reports, fam, T['join_done'], T['leave'], slack,
                                {g1, g2})
        ex1 = (IS_EX, g1, frozenset())
        # (step, the state after it, whether a query is waited for then)
        timeline = [('start', frozenset(), False),
                    ('join', frozenset([ex1]), True),
                    ('ssm1', frozenset([ex1, (IS_IN, g2, frozenset([s1]))]), True),
                    ('ssm2', frozenset([ex1, (IS_IN, g2, frozenset([s1, s2]))]), False),
                    ('unssm1', frozenset([ex1, (IS_IN, g2, frozenset([s2]))]), True),
                    ('leave', frozenset([(IS_IN, g2, frozenset([s2]))]), False),
                    ('unssm2', frozenset(), False)]
        expect_states(answers, fam, timeline, T)
        if fam == 6:
            # RFC 3810 section 6: every group but all-nodes is reported, the
            # solicited-node groups of the stack's addresses too (snooping
            # switches would cut Neighbour Discovery off otherwise).
            sn = (IS_EX, kv['SN6'], frozenset())
            missing = [tq for tq, t, _ in answers
                       if not any(sn in current_state(recs, {kv['SN6']})
                                  for g, tr, num, recs in reports if g == 6 and tr == t)]
            if missing or not answers:
                problem(f"IPv6 answers without IS_EX({kv['SN6']}), the solicited-node group"
                        f" of the stack's address: {len(missing)} of {len(answers)}")
            else:
                ok(f"IPv6: every answer also reports {kv['SN6']} (solicited-node group)")
        late = [(num, fmt(r)) for f, t, num, recs in reports if f == fam and t > T['unssm2_done']
                for r in recs if r[0] in (IS_IN, IS_EX) and r[1] in (g1, g2)]
        if late:
            problem(f"IPv{fam}: current-state records for groups left, after the leaves: {late}")
        else:
            ok(f"IPv{fam}: no current-state record for {g1} or {g2} after the leaves")
    if problems:
        print(f"{problems} problem(s)")
        sys.exit(1)


if __name__ == '__main__':
    main()
