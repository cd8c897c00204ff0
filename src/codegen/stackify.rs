//! Structured control flow from a CFG: wasm has blocks, loops and ifs, not
//! gotos. For a reducible graph (Python's always is) the dominator tree
//! says where each block goes (N. Ramsey, "Beyond Relooper", 2022): a loop
//! header opens a `loop`; a block with several forward predecessors (a
//! merge node) follows a wasm `block` that its predecessors branch out of;
//! every other block is emitted inline where its only predecessor jumps.

/// The graph as stackify sees it: node 0 is the entry.
pub struct Graph {
    pub succs: Vec<Vec<usize>>,
    /// Nodes that must be reachable by `br` from anywhere (exception
    /// handlers and the exit, entered from the middle of blocks).
    pub forced_merge: Vec<bool>,
}

pub struct Layout {
    pub rpo: Vec<usize>,
    /// Reverse-postorder number of each node (usize::MAX: unreachable).
    pub order: Vec<usize>,
    pub idom: Vec<usize>,
    pub loop_header: Vec<bool>,
    pub merge: Vec<bool>,
    /// Dominator-tree children of each node that are merge nodes, highest
    /// reverse-postorder number first.
    pub merge_children: Vec<Vec<usize>>,
}

pub fn layout(g: &Graph) -> Layout {
    let n = g.succs.len();
    // Reverse postorder by iterative DFS.
    let mut post = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    let mut stack = vec![(0usize, 0usize)];
    seen[0] = true;
    while let Some((node, i)) = stack.pop() {
        if i < g.succs[node].len() {
            stack.push((node, i + 1));
            let s = g.succs[node][i];
            if !seen[s] {
                seen[s] = true;
                stack.push((s, 0));
            }
        } else {
            post.push(node);
        }
    }
    let rpo: Vec<usize> = post.into_iter().rev().collect();
    let mut order = vec![usize::MAX; n];
    for (i, &b) in rpo.iter().enumerate() {
        order[b] = i;
    }
    let mut preds = vec![Vec::new(); n];
    for &b in &rpo {
        for &s in &g.succs[b] {
            preds[s].push(b);
        }
    }
    // Dominators (Cooper, Harvey, Kennedy).
    let mut idom = vec![usize::MAX; n];
    idom[0] = 0;
    let mut changed = true;
    while changed {
        changed = false;
        for &b in rpo.iter().skip(1) {
            let mut new = usize::MAX;
            for &p in &preds[b] {
                if idom[p] == usize::MAX {
                    continue;
                }
                new = if new == usize::MAX { p } else { intersect(&idom, &order, p, new) };
            }
            if new != idom[b] {
                idom[b] = new;
                changed = true;
            }
        }
    }
    let mut loop_header = vec![false; n];
    let mut merge = vec![false; n];
    for &b in &rpo {
        let forward = preds[b].iter().filter(|&&p| order[p] < order[b]).count();
        loop_header[b] = preds[b].iter().any(|&p| order[p] >= order[b]);
        merge[b] = forward >= 2 || (g.forced_merge[b] && b != 0);
    }
    let mut merge_children = vec![Vec::new(); n];
    for &b in &rpo {
        if b != 0 && merge[b] {
            merge_children[idom[b]].push(b);
        }
    }
    for c in &mut merge_children {
        c.sort_by_key(|&b| std::cmp::Reverse(order[b]));
    }
    Layout { rpo, order, idom, loop_header, merge, merge_children }
}

fn intersect(idom: &[usize], order: &[usize], mut a: usize, mut b: usize) -> usize {
    while a != b {
        while order[a] > order[b] {
            a = idom[a];
        }
        while order[b] > order[a] {
            b = idom[b];
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_loops_merges_and_dominators() {
        // 0 -> 1 (loop header) -> 2 -> 1 (back edge); 1 -> 3; 0 -> 3 (merge); 4 unreachable
        let g = Graph { succs: vec![vec![1, 3], vec![2, 3], vec![1], vec![], vec![3]], forced_merge: vec![false; 5] };
        let l = layout(&g);
        assert_eq!(l.rpo.len(), 4);
        assert_eq!(l.order[4], usize::MAX);
        assert!(l.loop_header[1] && !l.loop_header[2]);
        assert!(l.merge[3] && !l.merge[1] && !l.merge[2]);
        assert_eq!((l.idom[1], l.idom[2], l.idom[3]), (0, 1, 0));
        assert_eq!(l.merge_children[0], vec![3]);
    }

    #[test]
    fn forced_merge_nodes_get_a_block() {
        // 0 -> 1 -> 2, and 1's exception edge to 2: 2 has one forward
        // predecessor but must be a branch target.
        let g = Graph { succs: vec![vec![1], vec![2], vec![]], forced_merge: vec![false, false, true] };
        let l = layout(&g);
        assert!(l.merge[2]);
        assert_eq!(l.merge_children[1], vec![2]);
    }
}
