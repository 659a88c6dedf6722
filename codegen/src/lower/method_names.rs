//! Method names from operationIds. Most are kept as they are (in snake case); ids that
//! repeat their path and HTTP method, as FastAPI writes them
//! (`promote_assistant_version_public_assistants_assistant_id_versions_version_id_promote_post`),
//! or that are only the method and the path (`delete_public_missions_missions_mission_id`),
//! are shortened to what they add: the function name (`promote_assistant_version`), else an
//! action and the path's resources (`delete_missions`). The full id stays in the docs.

use crate::ir::Method;
use foldhash::{HashMap, HashMapExt};

/// An operationId split against its path.
struct Split {
    /// The words before the part that repeats the path (FastAPI's function name, with the
    /// route's prefix); empty when the id is only the method and the path.
    rest: Vec<String>,
    /// The path's literal segments inside the repeated part.
    resources: Vec<String>,
    /// The path ends with a parameter (an item, not a collection).
    item: bool,
}

fn words(text: &str) -> Vec<String> {
    crate::naming::snake_name(text)
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Splits `id` when it ends with (most of) its path, optionally followed by its method.
fn split(id: &str, method: Method, path: &str) -> Option<Split> {
    let mut id_words = words(id);
    let method_word = method.as_str().to_lowercase();
    let method_suffix = id_words.last() == Some(&method_word);
    if method_suffix {
        id_words.pop();
    }
    // Path words, each tagged with its segment (literal or parameter).
    let mut path_words: Vec<(String, usize, bool)> = Vec::new();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    for (i, segment) in segments.iter().enumerate() {
        let param = segment.starts_with('{');
        for w in words(segment.trim_matches(['{', '}'])) {
            path_words.push((w, i, param));
        }
    }
    let matched = id_words
        .iter()
        .rev()
        .zip(path_words.iter().rev())
        .take_while(|(a, (b, _, _))| a == &b)
        .count();
    let method_prefix = id_words.first() == Some(&method_word);
    // A path tail and the method around it are a pattern; one word in common with the path
    // (`get_user` for `/user`) is not.
    let pattern = (method_suffix && matched >= 1) || (method_prefix && matched >= 2);
    if !pattern || matched == id_words.len() {
        return None;
    }
    let first_segment = path_words[path_words.len() - matched].1;
    let resources = segments[first_segment..]
        .iter()
        .filter(|s| !s.starts_with('{'))
        .map(|s| crate::naming::snake_name(s))
        .collect();
    // `delete_public_missions_missions_mission_id`: nothing but the method before the route.
    let rest = if method_suffix {
        id_words[..id_words.len() - matched].to_vec()
    } else {
        Vec::new()
    };
    Some(Split {
        rest,
        resources,
        item: segments.last().is_some_and(|s| s.starts_with('{')),
    })
}

/// Names to try for an operation whose short name another one took: the short name with the
/// path's last resource, then with its last parameter (`get_conversations_insights`,
/// `list_missions_runs_by_mission_id`).
pub(super) fn alternatives(short: &str, path: &str) -> Vec<String> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut out = Vec::new();
    if let Some(resource) = segments.iter().rev().find(|s| !s.starts_with('{')) {
        let resource = crate::naming::snake_name(resource);
        if !short.ends_with(&resource) {
            out.push(format!("{short}_{resource}"));
        }
    }
    if let Some(param) = segments.iter().rev().find(|s| s.starts_with('{')) {
        let param = crate::naming::snake_name(param.trim_matches(['{', '}']));
        out.push(format!("{short}_by_{param}"));
    }
    out
}

/// Shortens the ids of a spec that repeat their paths: `(operationId, method, path)` in,
/// a short base name (or `None`: keep the id) out, in the same order.
pub(super) fn shorten(ops: &[(Option<&str>, Method, &str)]) -> Vec<Option<String>> {
    let splits: Vec<Option<Split>> = ops
        .iter()
        .map(|(id, method, path)| id.and_then(|id| split(id, *method, path)))
        .collect();
    // Words a route prefixes to every path (`public` in `/public/assistants`) are left at the
    // end of the function part, in many ids at once: learned from the spec, not assumed.
    let flagged = splits
        .iter()
        .flatten()
        .filter(|s| !s.rest.is_empty())
        .count();
    let mut prefix_words: Vec<String> = Vec::new();
    loop {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for s in splits.iter().flatten().filter(|s| !s.rest.is_empty()) {
            if let Some(last) = strip(&s.rest, &prefix_words).pop() {
                *counts.entry(last).or_default() += 1;
            }
        }
        let frequent = counts
            .into_iter()
            .filter(|(w, n)| *n >= 3 && *n * 4 >= flagged && !prefix_words.contains(w))
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
        match frequent {
            Some((w, _)) => prefix_words.push(w),
            None => break,
        }
    }
    splits
        .iter()
        .zip(ops)
        .map(|(s, (id, method, _))| {
            let Some(s) = s.as_ref() else {
                return id.and_then(|id| cut_at_prefix(id, *method, &prefix_words));
            };
            let mut rest = strip(&s.rest, &prefix_words);
            // Route words the spec's path does not share (`public_text` of
            // `/public/text/clusters` for `/ai/clusters`) end at the last prefix word.
            if let Some(cut) = rest.iter().rposition(|w| prefix_words.contains(w)) {
                if cut > 0 {
                    rest.truncate(cut);
                }
            }
            let method_word = method.as_str().to_lowercase();
            let only_method = rest.len() <= 1 && rest.first().is_none_or(|w| *w == method_word);
            if !only_method {
                return Some(rest.join("_"));
            }
            // Nothing but the method and the path: an action on the path's resources.
            let action = match (method, s.item) {
                (Method::Get, false) => "list",
                (Method::Get, true) => "get",
                (Method::Post, _) => "create",
                (Method::Put | Method::Patch, _) => "update",
                (Method::Delete, _) => "delete",
                (other, _) => {
                    return Some(format!(
                        "{}_{}",
                        other.as_str().to_lowercase(),
                        s.resources.join("_")
                    ))
                }
            };
            Some(format!("{action}_{}", s.resources.join("_")))
        })
        .collect()
}

/// FastAPI ids whose route does not end like the spec's path
/// (`delete_conversation_by_id_public_conversations_delete` for `/ai/conversations/{id}`): cut
/// at the last route-prefix word learned from the others.
fn cut_at_prefix(id: &str, method: Method, prefix_words: &[String]) -> Option<String> {
    let mut id_words = words(id);
    if id_words.pop()? != method.as_str().to_lowercase() {
        return None;
    }
    let cut = id_words.iter().rposition(|w| prefix_words.contains(w))?;
    (cut > 0).then(|| id_words[..cut].join("_"))
}

/// `rest` without the trailing words of `prefix_words`.
fn strip(rest: &[String], prefix_words: &[String]) -> Vec<String> {
    let mut rest = rest.to_vec();
    while rest.len() > 1 && rest.last().is_some_and(|w| prefix_words.contains(w)) {
        rest.pop();
    }
    rest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fastapi_ids_keep_their_function_and_lose_the_route() {
        let ops = [
            (
                Some("promote_assistant_version_public_assistants__assistant_id__versions__version_id__promote_post"),
                Method::Post,
                "/ai/assistants/{assistant_id}/versions/{version_id}/promote",
            ),
            (
                Some("get_assistants_public_assistants_get"),
                Method::Get,
                "/ai/assistants",
            ),
            (
                Some("create_new_assistant_public_assistants_post"),
                Method::Post,
                "/ai/assistants",
            ),
            (
                Some("delete_public_missions_missions_mission_id"),
                Method::Delete,
                "/ai/missions/{mission_id}",
            ),
            (
                Some("get_public_missions_missions_mission_id_runs"),
                Method::Get,
                "/ai/missions/{mission_id}/runs",
            ),
            (
                Some("delete_conversation_by_id_public_conversations_delete"),
                Method::Delete,
                "/ai/conversations/{conversation_id}",
            ),
            (Some("SendMessage"), Method::Post, "/messages"),
            (Some("ListCalls"), Method::Get, "/calls"),
            (None, Method::Get, "/things"),
        ];
        let names = shorten(&ops);
        assert_eq!(
            names,
            [
                Some("promote_assistant_version".to_owned()),
                Some("get_assistants".to_owned()),
                Some("create_new_assistant".to_owned()),
                Some("delete_missions".to_owned()),
                Some("list_missions_runs".to_owned()),
                Some("delete_conversation_by_id".to_owned()),
                None,
                None,
                None,
            ]
        );
    }

    #[test]
    fn a_word_shared_with_the_path_by_chance_is_kept() {
        // `update_user` ends with the path's last word, but neither repeats the method nor
        // more than one word.
        let ops = [(Some("update_user"), Method::Put, "/users/{id}/user")];
        assert_eq!(shorten(&ops), [None]);
    }
}
