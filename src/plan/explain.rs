//! The optimized plan as indented text: what is stored, what is fused into
//! what, which reductions share a pass.

use super::lower::Lowered;
use super::Op;
use std::fmt::Write;

pub(crate) fn explain(lowered: &Lowered) -> String {
    let plan = &lowered.plan;
    let graph = &plan.graph;
    let mut out = String::new();
    let mut shown = vec![false; graph.nodes.len()];
    for &root in &graph.roots {
        line(lowered, root, 0, &mut shown, &mut out);
    }
    let _ = writeln!(out, "{} block tasks", lowered.tasks.tasks.len());
    out
}

fn line(lowered: &Lowered, i: usize, depth: usize, shown: &mut [bool], out: &mut String) {
    let plan = &lowered.plan;
    let node = &plan.graph.nodes[i];
    let indent = "  ".repeat(depth);
    if shown[i] {
        let _ = writeln!(out, "{indent}#{i} (shared, above)");
        return;
    }
    shown[i] = true;
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
    for &input in &plan.graph.inputs[i] {
        line(lowered, input, depth + 1, shown, out);
    }
}

/// `core::option::Option<f64>` -> `Option<f64>`.
pub(super) fn short_type(name: &str) -> String {
    let mut out = String::new();
    for part in name.split_inclusive(['<', '>', ',', ' ', '(', ')']) {
        out.push_str(part.rsplit("::").next().unwrap_or(part));
    }
    out
}
