//! The block task graph in Graphviz DOT.

use super::lower::Lowered;
use std::fmt::Write;

pub(crate) fn to_dot(lowered: &Lowered) -> String {
    let graph = &lowered.tasks;
    let mut out = String::from("digraph ndchunk {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n");
    let mut is_output = vec![false; graph.tasks.len()];
    for &o in &graph.outputs {
        is_output[o] = true;
    }
    for (i, task) in graph.tasks.iter().enumerate() {
        let style = if is_output[i] { ", peripheries=2" } else { "" };
        let name = dot_escape(&task.name.to_string());
        let _ = writeln!(out, "  t{i} [label=\"{name}\"{style}];");
    }
    for (i, task) in graph.tasks.iter().enumerate() {
        for d in &task.deps {
            let _ = writeln!(out, "  t{d} -> t{i};");
        }
    }
    out.push_str("}\n");
    out
}

/// `text` as the inside of a DOT string: backslashes and quotes escaped.
pub(crate) fn dot_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}
