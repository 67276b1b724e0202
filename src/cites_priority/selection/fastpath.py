"""Fast exact re-solves of one selection problem for many score vectors (Monte Carlo).

:class:`FastPath` returns the same optimum as the exact MILP of
:class:`~cites_priority.selection.milp.SelectionProblem` (``SelectionProblem.solve``),
faster when good feasible selections are known (the optima of earlier draws):

1. the LP relaxation gives an upper bound and reduced costs;
2. a 1-swap local search improves the best known selection (the incumbent);
3. reduced-cost fixing: a variable whose reduced cost exceeds the LP–incumbent gap cannot
   be in (or out of) any better solution, so it is fixed;
4. the few variables left are solved exactly: a cardinality knapsack with a dwellings
   window by dynamic programming (no EPCI bounds, integer dwellings) or a small MILP.

Whenever a step cannot conclude (LP failure, numerical trouble) the full MILP is solved
instead, so the result is always the exact optimum.

The LP relaxation is solved by HiGHS through ``highspy``: the model is built once per
:class:`FastPath` and only its objective changes between solves, so each solve starts
from the previous optimal basis (warm start). ``lp_solver="scipy"`` (or the environment
variable ``CITES_PRIORITY_LP_SOLVER=scipy``) keeps the former ``scipy.optimize.linprog``
path, for benchmarks. Either LP gives valid reduced costs, so the optimum is the same.
"""

from __future__ import annotations

import ctypes
import mmap
import os
import pickle
import signal
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    from .milp import SelectionProblem

__all__ = [
    "FastPath",
    "ForkedCall",
    "LpSolver",
    "can_fork",
    "default_lp_solver",
    "default_workers",
    "fork_call",
    "solve_many",
]

_TOL = 1e-4  # in scaled objective units

LpSolver = Literal["highspy", "scipy"]


def default_lp_solver() -> LpSolver:
    """LP solver of :class:`FastPath` when none is given.

    ``highspy`` unless the environment variable ``CITES_PRIORITY_LP_SOLVER`` is ``scipy``
    (the former path, kept for benchmarks).
    """
    return "scipy" if os.environ.get("CITES_PRIORITY_LP_SOLVER") == "scipy" else "highspy"


class _HighsLP:
    """The LP relaxation held in one HiGHS instance; only the costs change between solves.

    Parameters
    ----------
    a, lo, hi
        Dense constraint rows and their bounds (``lo == hi`` for an equality).
    lb, ub
        Column bounds.
    """

    def __init__(
        self, a: np.ndarray, lo: np.ndarray, hi: np.ndarray, lb: np.ndarray, ub: np.ndarray
    ) -> None:
        import highspy

        # the raw class: ``highspy.Highs()`` prints a banner on stdout when created
        cls = getattr(getattr(highspy, "_core", None), "_Highs", None) or highspy.Highs
        h = cls()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("presolve", "off")
        m, n = a.shape
        lp = highspy.HighsLp()
        lp.num_col_ = n
        lp.num_row_ = m
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.asarray(lb, float)
        lp.col_upper_ = np.asarray(ub, float)
        lp.row_lower_ = np.asarray(lo, float)
        lp.row_upper_ = np.asarray(hi, float)
        nz = a != 0
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(nz.sum(axis=0))]).astype(np.int32)
        col, row = np.nonzero(nz.T)  # column-major order
        lp.a_matrix_.index_ = row.astype(np.int32)
        lp.a_matrix_.value_ = a.T[col, row].astype(float)
        h.passModel(lp)
        self._h = h
        self._optimal = highspy.HighsModelStatus.kOptimal
        self._idx = np.arange(n, dtype=np.int32)

    def solve(self, cost: np.ndarray) -> tuple[float, np.ndarray, np.ndarray] | None:
        """Minimise ``cost · x``: objective, lower and upper bound marginals (or None).

        The marginals follow ``scipy.optimize.linprog``: reduced costs of the columns at
        their lower bound (≥ 0) and at their upper bound (≤ 0), zero for basic columns.
        """
        h = self._h
        h.changeColsCost(len(self._idx), self._idx, np.asarray(cost, float))
        h.run()
        if h.getModelStatus() != self._optimal:
            return None
        dual = np.asarray(h.getSolution().col_dual, float)
        return (
            float(h.getInfo().objective_function_value),
            np.maximum(dual, 0.0),
            np.minimum(dual, 0.0),
        )


def _scipy_relaxation(
    c: np.ndarray, a: np.ndarray, lo: np.ndarray, hi: np.ndarray, lb: np.ndarray, ub: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray] | None:
    """The same LP by one ``scipy.optimize.linprog`` call (the former path)."""
    from scipy.optimize import linprog

    eq = lo == hi
    a_ub = np.vstack([a[~eq], -a[~eq]])
    b_ub = np.concatenate([hi[~eq], -lo[~eq]])
    res = linprog(
        c, A_ub=a_ub, b_ub=b_ub, A_eq=a[eq], b_eq=lo[eq],
        bounds=np.column_stack([lb, ub]), method="highs",
    )
    if res.status != 0:
        return None
    return float(res.fun), res.lower.marginals, res.upper.marginals


class _NeedsMilp(Exception):
    """A solve needs a MILP where none may run (a forked worker)."""


class FastPath:
    """Repeated exact solves of one :class:`~cites_priority.selection.milp.SelectionProblem`.

    Parameters
    ----------
    problem
        The selection problem (its constraint rows and bounds are read once).
    lp_solver
        ``highspy`` (model built once, warm-started) or ``scipy`` (``linprog`` per call).
    """

    def __init__(self, problem: SelectionProblem, lp_solver: LpSolver) -> None:
        self.problem = problem
        self.lp_solver = lp_solver
        #: when False, a solve that needs a MILP raises :class:`_NeedsMilp` instead (a
        #: forked worker leaves those to the parent process: see :func:`solve_many`)
        self.milp_allowed = True
        self._a, self._lo, self._hi = problem._rows()
        self._lb, self._ub = problem._bounds()
        self._lp: _HighsLP | None = None

    def _exact(self, scores: np.ndarray, tiebreak: np.ndarray | None) -> np.ndarray:
        """The full MILP (the fallback of every step that cannot conclude)."""
        if not self.milp_allowed:
            raise _NeedsMilp
        return self.problem.solve(scores, tiebreak)

    def _relaxation(self, c: np.ndarray) -> tuple[float, np.ndarray, np.ndarray] | None:
        """LP relaxation of ``max c·x``: (minimised ``-c·x``, lower and upper marginals)."""
        if self.lp_solver == "highspy":
            if self._lp is None:
                self._lp = _HighsLP(self._a, self._lo, self._hi, self._lb, self._ub)
            return self._lp.solve(-c)
        return _scipy_relaxation(-c, self._a, self._lo, self._hi, self._lb, self._ub)

    def _local_search(self, c: np.ndarray, x: np.ndarray, max_iter: int = 60) -> np.ndarray:
        """Best-improvement 1-swap search from the feasible selection ``x``."""
        p = self.problem
        x = x.copy()
        lg = p.logements
        movable_out = ~p.fin
        movable_in = ~p.fout
        for _ in range(max_iter):
            inside = np.flatnonzero(x & movable_out)
            outside = np.flatnonzero(~x & movable_in)
            if not len(inside) or not len(outside):
                break
            total = lg[x].sum()
            new_total = total - lg[inside][:, None] + lg[outside][None, :]
            ok = (new_total >= p.lo - 1e-9) & (new_total <= p.hi + 1e-9)
            if p.has_epci:
                for _, member, mn, mx in p._groups:
                    cnt = int((x & member).sum())
                    mi = member[inside][:, None]
                    mo = member[outside][None, :]
                    delta = mo.astype(int) - mi.astype(int)
                    ok &= (cnt + delta >= mn) & (cnt + delta <= mx)
            gain = np.where(ok, c[outside][None, :] - c[inside][:, None], -np.inf)
            i, j = np.unravel_index(np.argmax(gain), gain.shape)
            if gain[i, j] <= _TOL:
                break
            x[inside[i]] = False
            x[outside[j]] = True
        return x

    def solve(
        self,
        scores: np.ndarray,
        tiebreak: np.ndarray | None = None,
        incumbents: Sequence[np.ndarray] = (),
    ) -> np.ndarray:
        """The exact optimum (boolean mask), as ``SelectionProblem.solve`` returns it.

        Parameters
        ----------
        scores
            Score per cité.
        tiebreak
            Position of each row in ``cite_id`` order.
        incumbents
            Feasible selections (boolean masks), e.g. the optima of earlier draws;
            without any, the full MILP is solved.

        Returns
        -------
        numpy.ndarray
            Boolean mask of the optimal selection.
        """
        p = self.problem
        if not incumbents:
            return self._exact(scores, tiebreak)
        c = p.objective(scores, tiebreak)
        a, lo, hi, lb, ub = self._a, self._lo, self._hi, self._lb, self._ub
        lp = self._relaxation(c)
        if lp is None:
            return self._exact(scores, tiebreak)
        lp_fun, marg_lower, marg_upper = lp
        best = max(incumbents, key=lambda m: float(c[m].sum()))
        best = self._local_search(c, best)
        z_inc = -float(c[best].sum())
        gap = z_inc - lp_fun
        if gap < -_TOL:  # the incumbent beats the LP bound: numerical trouble
            return self._exact(scores, tiebreak)
        movable = lb < ub
        fix0 = movable & (marg_lower > gap + _TOL)
        fix1 = movable & (-marg_upper > gap + _TOL)
        free = movable & ~(fix0 | fix1)
        ones = fix1 | (lb == 1)
        used = a[:, ones].sum(axis=1)
        if not free.any():
            x = ones
        elif p.knapsack:
            pick = _knapsack_dp(
                c[free], p.logements[free].astype(np.int64),
                int(round(p.n_cites - used[0])), p.lo - used[1], p.hi - used[1],
            )
            if pick is None:
                return self._exact(scores, tiebreak)
            x = ones.copy()
            x[np.flatnonzero(free)[pick]] = True
        else:
            if not self.milp_allowed:
                raise _NeedsMilp
            from scipy.optimize import Bounds, LinearConstraint, milp

            res = milp(
                -c[free],
                constraints=LinearConstraint(a[:, free], lo - used, hi - used),
                integrality=np.ones(int(free.sum())),
                bounds=Bounds(0, 1),
                options={"mip_rel_gap": 0.0},
            )
            if res.status != 0 or res.x is None:
                return self._exact(scores, tiebreak)
            x = ones.copy()
            x[np.flatnonzero(free)[res.x > 0.5]] = True
        if -float(c[x].sum()) > z_inc + _TOL:  # should not happen; stay exact
            return self._exact(scores, tiebreak)
        return x


def _knapsack_dp(
    value: np.ndarray, weight: np.ndarray, count: int, lo: float, hi: float
) -> np.ndarray | None:
    """Exact cardinality-constrained knapsack with a weight window, by dynamic programming.

    Chooses exactly ``count`` items with total integer ``weight`` in ``[lo, hi]``
    maximising the total ``value``; ``None`` if impossible. Used on the few variables
    left free after reduced-cost fixing (cost ``O(m · count · hi)``).
    """
    m = len(value)
    if count < 0 or count > m:
        return None
    if count == 0:
        return np.zeros(m, dtype=bool) if lo <= 1e-9 and hi >= -1e-9 else None
    cap = int(np.floor(hi + 1e-9))
    if cap < 0:
        return None
    # no total of at most `count` items exceeds the `count` largest weights that fit:
    # the cells above stay unreachable, so the table stops there
    cap = min(cap, int(np.sort(weight[weight <= cap])[::-1][:count].sum()))
    dp = np.full((count + 1, cap + 1), -np.inf)
    dp[0, 0] = 0.0
    take = np.zeros((m, count + 1, cap + 1), dtype=bool)
    for i in range(m):
        w, v = int(weight[i]), float(value[i])
        if w > cap:
            continue
        cand = dp[:-1, : cap + 1 - w] + v  # computed from the table before item i
        cur = dp[1:, w:]
        better = cand > cur
        take[i, 1:, w:] = better
        np.copyto(cur, cand, where=better)
    first = max(int(np.ceil(lo - 1e-9)), 0)
    row = dp[count, first:]
    if not np.isfinite(row).any():
        return None
    tot = first + int(np.argmax(row))
    pick = np.zeros(m, dtype=bool)
    k = count
    for i in range(m - 1, -1, -1):
        if take[i, k, tot]:
            pick[i] = True
            tot -= int(weight[i])
            k -= 1
    return pick if k == 0 and tot == 0 else None


# -- many score vectors (the Monte Carlo draws), over the cores ---------------------------

#: Draws per chunk. Every chunk starts afresh (new LP model, the base selection as the only
#: incumbent), so its selections do not depend on which process solves it nor on how many
#: processes there are.
CHUNK = 100
#: Seconds a worker may go without finishing a draw before the parent gives up on it.
_STALL = 20.0
_TODO, _STARTED, _DONE, _TAKEN, _GAVE_UP = 0, 1, 2, 3, 4


def default_workers() -> int:
    """Processes of :func:`solve_many` when none is given.

    The environment variable ``CITES_PRIORITY_WORKERS`` (a whole number; ``1`` = no
    worker process), else the cores this process may run on.
    """
    env = os.environ.get("CITES_PRIORITY_WORKERS", "").strip()
    if env.isdigit():
        return max(1, int(env))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether work may be spread over forked processes here (Linux with ``os.fork``)."""
    return hasattr(os, "fork") and sys.platform.startswith("linux")


def _child_setup() -> None:
    """First steps of a forked child: default signals, and die with the parent.

    Ctrl-C / SIGTERM stop the child at once (no Python handler of the parent runs in it);
    on Linux the child is also killed when its parent dies (``PR_SET_PDEATHSIG``), so a
    parent killed by SIGKILL leaves no child writing behind it.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass


class ForkedCall:
    """A function running in a forked child process (see :func:`fork_call`).

    Parameters
    ----------
    pid
        The child's process id.
    fd
        Read end of the pipe the child writes its exception into (pickled).
    """

    def __init__(self, pid: int, fd: int) -> None:
        self.pid: int | None = pid
        self._fd: int | None = fd

    def join(self) -> None:
        """Wait for the child; raise its exception (the same type and text) if it failed.

        Raises
        ------
        BaseException
            The exception the function raised in the child, rebuilt from its pickle (a
            ``RuntimeError`` with its type and text when it could not be pickled), or a
            ``ChildProcessError`` when the child died without saying why (a signal).
        """
        assert self.pid is not None and self._fd is not None, "already joined"
        with os.fdopen(self._fd, "rb") as fh:  # read to the end first: the child may block
            self._fd = None
            data = fh.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        code = os.waitstatus_to_exitcode(status)
        if code == 0:
            return
        if data:
            raise pickle.loads(data)
        raise ChildProcessError(f"forked process ended with status {code}")

    def kill(self) -> None:
        """Stop the child now (if still running) and reap it; no error is raised."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = None


def fork_call(fn: Callable[[], object]) -> ForkedCall | None:
    """Run ``fn()`` in a forked child process, concurrently with the caller.

    The child sees a copy of this process's memory (nothing is pickled on the way in)
    and its signals reset to the defaults (:func:`_child_setup`); it exits with status
    0 when ``fn`` returns, or sends the exception ``fn`` raised through a pipe and exits
    with status 1. :meth:`ForkedCall.join` waits and re-raises that exception here;
    :meth:`ForkedCall.kill` stops the child (call it on the way out of a failure).
    The result of ``fn`` is not returned: the child works through side effects (files,
    shared memory).

    Parameters
    ----------
    fn
        The work to do in the child. It must not run a HiGHS MILP (the solver's thread
        pool does not survive a fork).

    Returns
    -------
    ForkedCall or None
        The running child, or ``None`` if no process could be forked (no ``fork`` on
        this platform, or none to spare): the caller then runs ``fn`` itself.
    """
    if not can_fork():
        return None
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:  # the child: run fn, report, never return
        code = 1
        try:
            os.close(read_fd)
            _child_setup()
            try:
                fn()
                code = 0
            except BaseException as exc:  # every failure goes to the parent
                try:
                    data = pickle.dumps(exc)
                    pickle.loads(data)  # some exceptions pickle but cannot be rebuilt
                except Exception:  # an exception that cannot be pickled
                    data = pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"))
                with os.fdopen(write_fd, "wb") as fh:
                    fh.write(data)
        finally:
            os._exit(code)
    os.close(write_fd)
    return ForkedCall(pid, read_fd)


def _solve_chunk(
    problem: SelectionProblem, scores: np.ndarray, tiebreak: np.ndarray | None,
    base: np.ndarray, lo: int, hi: int, out: np.ndarray, *, milp_allowed: bool = True,
    done: np.ndarray | None = None,
) -> None:
    """Solve draws ``lo:hi`` into ``out[:, lo:hi]`` from a fresh state (deterministic)."""
    fast = FastPath(problem, problem.lp_solver)
    fast.milp_allowed = milp_allowed
    cache: list[np.ndarray] = [base]
    for j in range(lo, hi):
        x = fast.solve(scores[:, j], tiebreak, cache)
        out[:, j] = x
        cache = [x] + [m for m in cache if not np.array_equal(m, x)][:7]
        if done is not None:
            done[0] += 1


def solve_many(
    problem: SelectionProblem,
    scores: np.ndarray,
    tiebreak: np.ndarray | None,
    base: np.ndarray,
    *,
    workers: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Exact selections for many score vectors (columns of ``scores``), over the cores.

    The draws are cut into chunks of :data:`CHUNK`; each chunk is solved by
    :class:`FastPath` from a fresh state with ``base`` as the first incumbent and the
    chunk's own optima after it, so the result is the same whatever the number of
    processes (and each selection is the exact optimum anyway). With ``workers > 1``
    (Linux), ``workers - 1`` processes forked from this one solve their share of the
    chunks into shared memory while this process solves its own, then takes over the
    chunks they have not started. A worker never runs a MILP (the solver's thread pool
    does not survive a fork): a chunk needing one, the chunks of a worker that fails or
    stalls, are solved here. Only the knapsack path (no EPCI bound, integer dwellings)
    is spread: with EPCI bounds every draw ends in a MILP.

    Parameters
    ----------
    problem
        The selection problem.
    scores
        ``n × D`` scores, one column per draw.
    tiebreak
        Position of each row in ``cite_id`` order.
    base
        A feasible selection (the base scenario's), first incumbent of every chunk.
    workers
        Processes in all (this one included); default :func:`default_workers`.
    on_progress
        Called with the number of draws done so far, from this process only.

    Returns
    -------
    numpy.ndarray
        Boolean ``n × D``.
    """
    n, d = scores.shape
    chunks = [(lo, min(lo + CHUNK, d)) for lo in range(0, d, CHUNK)]
    workers = default_workers() if workers is None else max(1, int(workers))
    workers = min(workers, len(chunks))
    spread = workers > 1 and can_fork() and problem.knapsack
    if not spread:
        out = np.zeros((n, d), dtype=bool)
        done = np.zeros(1, dtype=np.int64)
        for lo, hi in chunks:
            _solve_chunk(problem, scores, tiebreak, base, lo, hi, out, done=done)
            if on_progress is not None:
                on_progress(int(done[0]))
        return out
    return _solve_forked(problem, scores, tiebreak, base, chunks, workers, on_progress)


def _solve_forked(
    problem: SelectionProblem, scores: np.ndarray, tiebreak: np.ndarray | None,
    base: np.ndarray, chunks: list[tuple[int, int]], workers: int,
    on_progress: Callable[[int], None] | None,
) -> np.ndarray:
    """:func:`solve_many` with ``workers - 1`` forked processes (shared anonymous memory)."""
    n, d = scores.shape
    k = len(chunks)
    # results, chunk states and one draw counter per worker, shared with the children
    shared = mmap.mmap(-1, n * d + k + 8 * workers)
    out = np.frombuffer(shared, dtype=np.uint8, count=n * d).reshape(n, d)
    state = np.frombuffer(shared, dtype=np.int8, count=k, offset=n * d)
    counters = np.frombuffer(shared, dtype=np.int64, count=workers, offset=n * d + k)
    mine = list(range(0, k, workers))
    pids: dict[int, list[int]] = {}
    try:
        for w in range(1, workers):
            share = list(range(w, k, workers))
            try:
                pid = os.fork()
            except OSError:  # no process to spare: its chunks are solved here
                break
            if pid == 0:  # the worker: solve its chunks, never return
                code = 1
                try:
                    _child_setup()
                    for c in share:
                        if state[c] != _TODO:
                            continue
                        state[c] = _STARTED
                        lo, hi = chunks[c]
                        try:
                            _solve_chunk(problem, scores, tiebreak, base, lo, hi, out,
                                         milp_allowed=False, done=counters[w:w + 1])
                        except _NeedsMilp:
                            state[c] = _GAVE_UP
                            continue
                        state[c] = _DONE
                    code = 0
                finally:
                    os._exit(code)
            pids[pid] = share

        def progress() -> None:
            if on_progress is not None:  # a chunk redone here may be counted twice
                on_progress(min(int(counters.sum()), d))

        def run_here(c: int) -> None:
            lo, hi = chunks[c]
            _solve_chunk(problem, scores, tiebreak, base, lo, hi, out, done=counters[0:1])
            state[c] = _DONE
            progress()

        for c in mine:
            state[c] = _TAKEN
            run_here(c)
        # take over the chunks the workers have not started, last first
        for c in sorted((c for share in pids.values() for c in share), reverse=True):
            if state[c] == _TODO:
                state[c] = _TAKEN
                run_here(c)
        last, seen = time.monotonic(), int(counters.sum())
        while pids:
            for pid in list(pids):
                got, _status = os.waitpid(pid, os.WNOHANG)
                if got:
                    pids.pop(pid)
            now, total = time.monotonic(), int(counters.sum())
            if total != seen:
                last, seen = now, total
                progress()
            elif now - last > _STALL:
                break
            if pids:
                time.sleep(0.002)
        for pid in list(pids):  # stalled: stop it before its chunks are solved again
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pids.pop(pid)
        for c in range(k):  # given up, failed or stalled: solve here
            if state[c] != _DONE:
                state[c] = _TAKEN
                run_here(c)
        progress()
        return out.astype(bool)
    finally:
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
