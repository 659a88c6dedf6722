use crate::multipart::{encode, File, Form, ToMultipart};
use crate::Error;

struct Upload {
    file: File,
    note: String,
    tags: Vec<String>,
    meta: serde_json::Value,
}

impl ToMultipart for Upload {
    fn write_parts(&self, form: &mut Form) -> Result<(), Error> {
        form.file("file", &self.file)?;
        form.value("note", &self.note)?;
        form.value("tags", &self.tags)?;
        form.value("meta", &self.meta)
    }
}

#[test]
fn parts_are_written_byte_exact_with_a_boundary_found_in_none() {
    let upload = Upload {
        // The first candidate boundary appears in the file, so the second is used.
        file: File::new(b"--codegen-boundary-0\r\n".to_vec())
            .file_name("a\"b.txt")
            .content_type("text/plain"),
        note: "line1\r\nline2".into(),
        tags: vec!["x".into(), "y".into()],
        meta: serde_json::json!({"k": 1}),
    };
    let (content_type, body) = encode(&upload).unwrap();
    assert_eq!(
        content_type,
        "multipart/form-data; boundary=codegen-boundary-1"
    );
    let expected = "--codegen-boundary-1\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a%22b.txt\"\r\nContent-Type: text/plain\r\n\r\n--codegen-boundary-0\r\n\r\n\
        --codegen-boundary-1\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nline1\r\nline2\r\n\
        --codegen-boundary-1\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nx\r\n\
        --codegen-boundary-1\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\ny\r\n\
        --codegen-boundary-1\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"k\":1}\r\n\
        --codegen-boundary-1--\r\n";
    assert_eq!(String::from_utf8(body).unwrap(), expected);
}

#[test]
fn a_content_type_cannot_inject_headers() {
    let mut form = Form::default();
    let file = File::new(vec![1]).content_type("text/plain\r\nX-Evil: 1");
    assert!(matches!(
        form.file("f", &file),
        Err(Error::InvalidRequest(_))
    ));
}

#[test]
fn files_read_as_text_in_json_and_queries() {
    let file = File::new(b"hello".to_vec());
    assert_eq!(serde_json::to_string(&file).unwrap(), "\"hello\"");
    let back: File = serde_json::from_str("\"hello\"").unwrap();
    assert_eq!(back, file);
}
