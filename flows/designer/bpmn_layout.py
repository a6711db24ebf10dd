"""Where an exported diagram's shapes go, computed here (no Graphviz or other program):
the flow runs left to right in columns by the longest path from the start (a loop's way
back is left out of the count), the shapes of a column stacked in the order they are
first reached, and each arrow leaves its source on the right and enters its target on
the left, with one bend up or down when the two are not on a line. The same definition
always gives the same drawing, so export → import → export is stable.
"""

from __future__ import annotations

COLUMN, ROW = 180, 130  # px between the centres of neighbouring shapes
LEFT, TOP = 100, 120


def _back_edges(order: list[str], successors: dict[str, list[str]], start: str) -> set:
    """The arrows that close a loop (found by depth-first search from the start)."""
    back, state = set(), {}
    roots = [start] + [node for node in order if node != start]
    for root in roots:
        if root in state:
            continue
        stack = [(root, iter(successors.get(root, [])))]
        state[root] = "open"
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = "done"
                stack.pop()
            elif state.get(child) == "open":
                back.add((node, child))
            elif child not in state:
                state[child] = "open"
                stack.append((child, iter(successors.get(child, []))))
    return back


def centres(order: list[str], flows: list[tuple[str, str]]) -> dict[str, tuple[float, float]]:
    """The centre of each element in ``order`` (its first element is the start)."""
    if not order:
        return {}
    known = set(order)
    successors: dict[str, list[str]] = {node: [] for node in order}
    for source, target in flows:
        if source in known and target in known:
            successors[source].append(target)
    back = _back_edges(order, successors, order[0])
    incoming = dict.fromkeys(order, 0)
    for source, targets in successors.items():
        for target in targets:
            if (source, target) not in back:
                incoming[target] += 1
    column = dict.fromkeys(order, 0)
    ready = [node for node in order if incoming[node] == 0]
    reached: list[str] = []
    while ready:
        node = ready.pop(0)
        reached.append(node)
        for target in successors[node]:
            if (node, target) in back:
                continue
            column[target] = max(column[target], column[node] + 1)
            incoming[target] -= 1
            if incoming[target] == 0:
                ready.append(target)
    rows: dict[int, int] = {}
    placed = {}
    for node in reached + [n for n in order if n not in reached]:
        row = rows.get(column[node], 0)
        rows[column[node]] = row + 1
        placed[node] = (float(LEFT + column[node] * COLUMN), float(TOP + row * ROW))
    return placed


def waypoints(
    source: tuple[float, float, float, float], target: tuple[float, float, float, float]
) -> list[tuple[float, float]]:
    """An arrow from the right of ``source`` to the left of ``target`` (x, y, w, h)."""
    sx, sy, sw, sh = source
    tx, ty, tw, th = target
    start, end = (sx + sw, sy + sh / 2), (tx, ty + th / 2)
    if tx <= sx:  # back to an earlier column (a loop): under the shapes and back up
        low = max(sy + sh, ty + th) + 30
        return [
            (sx + sw / 2, sy + sh),
            (sx + sw / 2, low),
            (tx + tw / 2, low),
            (tx + tw / 2, ty + th),
        ]
    if start[1] == end[1]:
        return [start, end]
    middle = (start[0] + end[0]) / 2
    return [start, (middle, start[1]), (middle, end[1]), end]
