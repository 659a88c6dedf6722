//! A recording proxy between the conformance harness and Prism: it passes each request on
//! unchanged (but for `connection: close` towards Prism) and keeps its head, so that the
//! credentials every operation sent can be checked against its security requirement. Prism
//! checks that a required credential is there; this checks that nothing else is.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Request heads, in arrival order.
pub type Heads = Arc<Mutex<Vec<String>>>;

/// The answers to tagged calls, in arrival order: the call (the harness's tag) and the
/// response as it came (status line, headers, body).
pub type Answers = Arc<Mutex<Vec<(usize, Vec<u8>)>>>;

/// A proxy on a free 127.0.0.1 port in front of `upstream` (`http://127.0.0.1:port`).
pub struct Proxy {
    pub url: String,
    pub heads: Heads,
    pub answers: Answers,
}

impl Proxy {
    pub fn start(upstream: &str) -> Result<Proxy, String> {
        let target = upstream
            .strip_prefix("http://")
            .map(|rest| rest.trim_end_matches('/').to_owned())
            .ok_or_else(|| format!("the proxy needs an http:// upstream, not {upstream}"))?;
        let listener =
            TcpListener::bind("127.0.0.1:0").map_err(|e| format!("proxy: cannot bind: {e}"))?;
        let url = format!(
            "http://{}",
            listener.local_addr().map_err(|e| format!("proxy: {e}"))?
        );
        let heads: Heads = Arc::default();
        let answers: Answers = Arc::default();
        let (log, kept) = (Arc::clone(&heads), Arc::clone(&answers));
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (target, log, kept) = (target.clone(), Arc::clone(&log), Arc::clone(&kept));
                std::thread::spawn(move || serve(client, &target, &log, &kept));
            }
        });
        Ok(Proxy {
            url,
            heads,
            answers,
        })
    }
}

/// Serves one client connection: each request on it in turn, each over a new upstream
/// connection read to its end.
fn serve(mut client: TcpStream, target: &str, log: &Heads, kept: &Answers) {
    let _ = client.set_read_timeout(Some(Duration::from_secs(120)));
    while let Some((head, body)) = read_request(&mut client) {
        if let Ok(mut heads) = log.lock() {
            heads.push(head.clone());
        }
        let Ok(mut upstream) = TcpStream::connect(target) else {
            return;
        };
        let _ = upstream.set_read_timeout(Some(Duration::from_secs(120)));
        let mut forwarded = String::new();
        for (i, line) in head.split("\r\n").enumerate() {
            if i > 0 && line.to_ascii_lowercase().starts_with("connection:") {
                continue;
            }
            if i > 0 && line.is_empty() {
                break;
            }
            forwarded.push_str(line);
            forwarded.push_str("\r\n");
        }
        forwarded.push_str("connection: close\r\n\r\n");
        if upstream.write_all(forwarded.as_bytes()).is_err() || upstream.write_all(&body).is_err() {
            return;
        }
        let mut response = Vec::new();
        if upstream.read_to_end(&mut response).is_err() {
            return;
        }
        // Kept before the client has it, so that it is there once the call returns.
        if let (Some(call), Ok(mut kept)) = (call_of(&head), kept.lock()) {
            kept.push((call, response.clone()));
        }
        if client.write_all(&response).is_err() {
            return;
        }
        // Prism closes after answering (`connection: close`); so does this connection when
        // the answer says so.
        let text =
            String::from_utf8_lossy(&response[..response.len().min(4096)]).to_ascii_lowercase();
        if text.contains("\r\nconnection: close") {
            return;
        }
    }
}

/// One request from the connection: its head (up to the blank line, included) and its body
/// (as long as `content-length` says); `None` at the end of the connection.
fn read_request(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .and_then(|v| v.trim().parse::<usize>().ok())
        })
        .unwrap_or(0);
    let mut body = buffer[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((head, body))
}

/// The credentials a request head carries: `header:<name>` for each credential header of
/// `headers` present, `query:<name>` for each of `query`, `cookie:<name>` for each of
/// `cookies`, sorted.
pub fn sent(head: &str, headers: &[String], query: &[String], cookies: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = head.split("\r\n");
    let target = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or_default();
    if let Some((_, q)) = target.split_once('?') {
        for pair in q.split('&') {
            let name = pair.split('=').next().unwrap_or_default();
            if query.iter().any(|n| n == name) {
                out.push(format!("query:{name}"));
            }
        }
    }
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        if headers.contains(&name) {
            out.push(format!("header:{name}"));
        }
        if name == "cookie" {
            for pair in value.split(';') {
                let cookie = pair.split('=').next().unwrap_or_default().trim();
                if cookies.iter().any(|c| c == cookie) {
                    out.push(format!("cookie:{cookie}"));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A response's status and body (de-chunked); `None` when it is no HTTP/1.1 response.
pub fn answer(response: &[u8]) -> Option<(u16, Vec<u8>)> {
    let end = response.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&response[..end]).to_ascii_lowercase();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let mut body = &response[end + 4..];
    if !head.contains("\r\ntransfer-encoding: chunked") {
        return Some((status, body.to_vec()));
    }
    let mut out = Vec::new();
    // Chunks: a hexadecimal size line, the bytes, CRLF; the last has size 0.
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n")?;
        let size_text = String::from_utf8_lossy(&body[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        if size == 0 {
            return Some((status, out));
        }
        let start = line_end + 2;
        out.extend_from_slice(body.get(start..start + size)?);
        body = body.get(start + size + 2..)?;
    }
}

/// The call a request belongs to (the harness's tag).
pub fn call_of(head: &str) -> Option<usize> {
    head.split("\r\n").find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case(super::harness::CALL_HEADER)
            .then(|| value.trim().parse().ok())?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_answers_are_joined() {
        let response =
            b"HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\n\r\n3\r\n{\"a\r\n4\r\n\":1}\r\n0\r\n\r\n";
        assert_eq!(answer(response), Some((201, b"{\"a\":1}".to_vec())));
        assert_eq!(answer(b"garbage"), None);
    }

    #[test]
    fn requests_pass_through_and_their_heads_are_kept() {
        // An upstream that answers every request with its own request line.
        let upstream = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = upstream.local_addr().unwrap();
        std::thread::spawn(move || {
            for mut stream in upstream.incoming().flatten() {
                let (head, body) = read_request(&mut stream).unwrap();
                let line = head.lines().next().unwrap().to_owned();
                let answer = format!("{line} {}", String::from_utf8_lossy(&body));
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{answer}",
                    answer.len()
                );
            }
        });
        let proxy = Proxy::start(&format!("http://{address}")).unwrap();
        let mut stream = TcpStream::connect(proxy.url.trim_start_matches("http://")).unwrap();
        // Two requests on one connection.
        for n in 0..2 {
            write!(
                stream,
                "POST /a?api_key=k&x=1 HTTP/1.1\r\nx-conformance-call: {n}\r\ncookie: sid=s; other=o\r\nauthorization: Bearer t\r\ncontent-length: 2\r\n\r\nhi"
            )
            .unwrap();
            let mut answer = vec![0u8; 4096];
            let mut read = 0;
            while !String::from_utf8_lossy(&answer[..read]).ends_with("hi") {
                read += stream.read(&mut answer[read..]).unwrap();
            }
            assert!(String::from_utf8_lossy(&answer[..read])
                .ends_with("POST /a?api_key=k&x=1 HTTP/1.1 hi"));
        }
        let heads = proxy.heads.lock().unwrap();
        assert_eq!(heads.len(), 2);
        let answers = proxy.answers.lock().unwrap();
        assert_eq!(answers.len(), 2);
        assert_eq!(answers[1].0, 1);
        let (status, body) = answer(&answers[1].1).unwrap();
        assert_eq!(status, 200);
        assert!(String::from_utf8_lossy(&body).ends_with(" hi"));
        assert_eq!(call_of(&heads[1]), Some(1));
        assert_eq!(
            sent(
                &heads[0],
                &["authorization".into(), "x-api-key".into()],
                &["api_key".into()],
                &["sid".into()]
            ),
            ["cookie:sid", "header:authorization", "query:api_key"]
        );
    }
}
