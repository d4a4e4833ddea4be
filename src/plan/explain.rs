//! The optimized plan as indented text: what is stored, what is fused into
//! what, which reductions share a pass.

use super::lower::Lowered;
use super::Op;
use std::fmt::Write;

pub(crate) fn explain(lowered: &Lowered) -> String {
    let graph = &lowered.plan.graph;
    let mut out = String::new();
    let mut shown = vec![false; graph.nodes.len()];
    // Depth-first with an explicit stack: plans can be thousands deep.
    let mut stack: Vec<(usize, usize)> = graph.roots.iter().rev().map(|&r| (r, 0)).collect();
    while let Some((i, depth)) = stack.pop() {
        if line(lowered, i, depth, &mut shown, &mut out) {
            stack.extend(graph.inputs[i].iter().rev().map(|&j| (j, depth + 1)));
        }
    }
    let _ = writeln!(out, "{} block tasks", lowered.tasks.tasks.len());
    out
}

/// Write node `i`'s line; false when it was shown already (its inputs too).
fn line(lowered: &Lowered, i: usize, depth: usize, shown: &mut [bool], out: &mut String) -> bool {
    let plan = &lowered.plan;
    let node = &plan.graph.nodes[i];
    let indent = "  ".repeat(depth);
    if shown[i] {
        let _ = writeln!(out, "{indent}#{i} (shared, above)");
        return false;
    }
    shown[i] = true;
    if let Op::Call(_) = &node.op {
        let _ = writeln!(out, "{indent}#{i} {} [call]", node.label());
        return true;
    }
    let how = match &node.op {
        Op::Reduce { .. } => {
            let input = plan.graph.inputs[i][0];
            let others = plan.reductions[input].len() - 1;
            if others > 0 {
                format!("reduce, one pass shared with {others} other reduction(s)")
            } else {
                "reduce".to_string()
            }
        }
        _ if plan.stored[i] => "stored".to_string(),
        _ => "fused".to_string(),
    };
    let _ = writeln!(
        out,
        "{indent}#{i} {} [{how}] {} {:?} chunks {:?}",
        node.label(),
        short_type(node.dtype.name()),
        node.shape,
        node.chunks
    );
    true
}

/// `core::option::Option<f64>` -> `Option<f64>`.
pub(super) fn short_type(name: &str) -> String {
    let mut out = String::new();
    for part in name.split_inclusive(['<', '>', ',', ' ', '(', ')']) {
        out.push_str(part.rsplit("::").next().unwrap_or(part));
    }
    out
}
