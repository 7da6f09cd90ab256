//! Reading a ticket request body: plain JSON, or `multipart/form-data` with a `ticket` part
//! and files.
//!
//! Files are streamed to a staging directory (`DATA/attachments/.staging/<random>/`) as they
//! arrive, never held whole in memory; the writer moves the directory under the new ticket's
//! id when it commits. Sizes are enforced while reading: a part over its limit ends the
//! request with `413` at once. A file's type is sniffed from its first bytes, and the type the
//! browser claimed is ignored: a file that is not really a PNG, JPEG, GIF, WebP or PDF is
//! `unsupported_type` whatever its name says.

use super::conn::BodyTimedOut;
use crate::store::token;
use crate::store::writer::StagedFile;
use axum::body::Body;
use axum::extract::{FromRequest as _, Multipart, Request};
use lms_support_widget::ticket::{
    AttachmentMeta, ATTACHMENT_MAX_BYTES, CATEGORY_MAX, CONTEXT_MAX_ENTRIES, CONTEXT_VALUE_MAX,
    DESCRIPTION_MAX, EMAIL_MAX, LOCALE_MAX, MAX_ATTACHMENTS, NAME_MAX, SUBJECT_MAX,
};
use sha2::{Digest as _, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt as _;

/// Most characters of text a valid ticket can hold: every field at its limit (the priority,
/// one of the feed's short names, counted as long as a category) and 20 context entries whose
/// key and value both have 1,000 characters. About 51,000.
const TICKET_TEXT_MAX: usize = SUBJECT_MAX
    + DESCRIPTION_MAX
    + NAME_MAX
    + EMAIL_MAX
    + 2 * CATEGORY_MAX
    + LOCALE_MAX
    + CONTEXT_MAX_ENTRIES * 2 * CONTEXT_VALUE_MAX;

/// Largest ticket JSON, alone or as the `ticket` part (about 310 KB): the widest valid ticket
/// with every character written as a 6-byte `\uXXXX` escape, as PHP's `json_encode` and
/// Python's `json.dumps` do by default, plus 8 KiB for names, punctuation and whitespace. The
/// widget writes UTF-8 (at most 4 bytes a character), so its tickets fit with room to spare.
/// A valid ticket any larger would need every field full of emoji escaped as surrogate pairs,
/// or kilobytes of whitespace; no client sends that, so a larger body is refused before it is
/// read or parsed.
pub const JSON_MAX: usize = TICKET_TEXT_MAX * 6 + 8 * 1024;
/// Largest multipart body: three files at their limit, the JSON, and room for part headers.
pub const MULTIPART_MAX: usize =
    MAX_ATTACHMENTS * ATTACHMENT_MAX_BYTES as usize + JSON_MAX + 64 * 1024;
/// Longest file name kept, in characters.
const FILE_NAME_MAX: usize = 255;

/// A request body, read.
#[derive(Debug, Default)]
pub struct Upload {
    /// The ticket JSON text.
    pub json: String,
    /// Every file part, in order, with its sniffed type (the basis for validation).
    pub files: Vec<AttachmentMeta>,
    /// The files written to disk (at most [`MAX_ATTACHMENTS`]; later ones are only counted).
    pub staged: Vec<StagedFile>,
    /// The staging directory, when a file was written.
    pub staging: Option<PathBuf>,
}

/// Why a body could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    /// Too large: the whole body, the JSON, or file number `Some(i)`.
    TooLarge(Option<usize>),
    /// A multipart body that does not parse, or a body that could not be read.
    Malformed,
    /// The ticket JSON is not UTF-8 (so not JSON).
    NotUtf8,
    /// A multipart body without a `ticket` part.
    NoTicket,
    /// The client stopped sending the body (see `conn::BodyTimedOut`).
    TimedOut,
    /// The staging directory could not be written.
    Io(String),
}

/// Reads a JSON body of at most [`JSON_MAX`] bytes.
///
/// # Errors
/// [`BodyError::TooLarge`] over the limit, [`BodyError::NotUtf8`] for bytes that are not
/// UTF-8, [`BodyError::TimedOut`] when the client stopped sending, [`BodyError::Malformed`]
/// for a body that could not be read otherwise.
pub async fn read_json(body: Body) -> Result<Upload, BodyError> {
    let bytes = match axum::body::to_bytes(body, JSON_MAX).await {
        Ok(bytes) => bytes,
        Err(e) if caused_by::<http_body_util::LengthLimitError>(&e) => {
            return Err(BodyError::TooLarge(None))
        }
        Err(e) if caused_by::<BodyTimedOut>(&e) => return Err(BodyError::TimedOut),
        Err(_) => return Err(BodyError::Malformed),
    };
    let json = String::from_utf8(bytes.to_vec()).map_err(|_| BodyError::NotUtf8)?;
    Ok(Upload {
        json,
        ..Upload::default()
    })
}

/// Whether an `E` is anywhere in the chain of `e`'s sources.
fn caused_by<E: std::error::Error + 'static>(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(e);
    while let Some(err) = source {
        if err.is::<E>() {
            return true;
        }
        source = err.source();
    }
    false
}

/// Reads a multipart body, staging files under `attachments_dir/.staging/`. On error nothing
/// is left on disk.
///
/// # Errors
/// See [`BodyError`].
pub async fn read_multipart(request: Request, attachments_dir: &Path) -> Result<Upload, BodyError> {
    let mut upload = Upload::default();
    let result = read_parts(request, attachments_dir, &mut upload).await;
    if result.is_err() {
        discard(upload.staging.as_deref()).await;
    }
    result.map(|()| upload)
}

/// Removes a staging directory, if any; errors are ignored (a sweep could find it later).
pub async fn discard(staging: Option<&Path>) {
    if let Some(dir) = staging {
        let _ = tokio::fs::remove_dir_all(dir).await;
    }
}

async fn read_parts(
    request: Request,
    attachments_dir: &Path,
    upload: &mut Upload,
) -> Result<(), BodyError> {
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|_| BodyError::Malformed)?;
    let mut json: Option<String> = None;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(multipart_error(&e)),
        };
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(clean_file_name);
        if name == "ticket" {
            // A page may send the JSON as a string or as a Blob (which has a file name).
            if json.is_some() {
                return Err(BodyError::Malformed);
            }
            let mut bytes = Vec::new();
            while let Some(chunk) = next_chunk(&mut field).await? {
                if bytes.len() + chunk.len() > JSON_MAX {
                    return Err(BodyError::TooLarge(None));
                }
                bytes.extend_from_slice(&chunk);
            }
            json = Some(String::from_utf8(bytes).map_err(|_| BodyError::NotUtf8)?);
        } else if let Some(file_name) = file_name {
            let index = upload.files.len();
            let stage = index < MAX_ATTACHMENTS;
            let mut out = None;
            if stage {
                let dir = match &upload.staging {
                    Some(dir) => dir.clone(),
                    None => {
                        let random =
                            token::new_token().map_err(|e| BodyError::Io(e.to_string()))?;
                        let dir = attachments_dir.join(".staging").join(&random[..32]);
                        tokio::fs::create_dir_all(&dir)
                            .await
                            .map_err(|e| BodyError::Io(e.to_string()))?;
                        upload.staging = Some(dir.clone());
                        dir
                    }
                };
                let file = tokio::fs::File::create(dir.join(index.to_string()))
                    .await
                    .map_err(|e| BodyError::Io(e.to_string()))?;
                out = Some(file);
            }
            let mut size: u64 = 0;
            let mut head = Vec::with_capacity(16);
            let mut hasher = Sha256::new();
            while let Some(chunk) = next_chunk(&mut field).await? {
                size += chunk.len() as u64;
                if size > ATTACHMENT_MAX_BYTES {
                    // Read the rest (the body limit bounds it) before answering: a browser
                    // still sending when the connection closes reports a network error, not
                    // the 413.
                    while next_chunk(&mut field).await?.is_some() {}
                    while let Ok(Some(mut rest)) = multipart.next_field().await {
                        while let Ok(Some(_)) = rest.chunk().await {}
                    }
                    return Err(BodyError::TooLarge(Some(index)));
                }
                if head.len() < 16 {
                    let take = (16 - head.len()).min(chunk.len());
                    head.extend_from_slice(&chunk[..take]);
                }
                if let Some(file) = out.as_mut() {
                    hasher.update(&chunk);
                    file.write_all(&chunk)
                        .await
                        .map_err(|e| BodyError::Io(e.to_string()))?;
                }
            }
            if size == 0 && file_name.is_empty() {
                // An empty file input in a form: nothing was attached.
                drop(out);
                if let Some(dir) = &upload.staging {
                    let _ = tokio::fs::remove_file(dir.join(index.to_string())).await;
                }
                continue;
            }
            let mime = sniff(&head)
                .unwrap_or("application/octet-stream")
                .to_string();
            if let Some(mut file) = out {
                file.flush()
                    .await
                    .map_err(|e| BodyError::Io(e.to_string()))?;
                let extension = mime.rsplit('/').next().unwrap_or("bin");
                let stored = format!("{index}.{extension}");
                if let Some(dir) = &upload.staging {
                    tokio::fs::rename(dir.join(index.to_string()), dir.join(&stored))
                        .await
                        .map_err(|e| BodyError::Io(e.to_string()))?;
                }
                upload.staged.push(StagedFile {
                    name: file_name.clone(),
                    mime: mime.clone(),
                    bytes: size,
                    sha256: hasher.finalize().into(),
                    file_name: stored,
                });
            }
            upload.files.push(AttachmentMeta {
                name: file_name,
                mime,
                bytes: size,
            });
        } else {
            // An unknown text part: read and ignore (the body limit bounds it).
            while next_chunk(&mut field).await?.is_some() {}
        }
    }
    upload.json = json.ok_or(BodyError::NoTicket)?;
    Ok(())
}

async fn next_chunk(
    field: &mut axum::extract::multipart::Field<'_>,
) -> Result<Option<axum::body::Bytes>, BodyError> {
    field.chunk().await.map_err(|e| multipart_error(&e))
}

fn multipart_error(e: &axum::extract::multipart::MultipartError) -> BodyError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        BodyError::TooLarge(None)
    } else if caused_by::<BodyTimedOut>(e) {
        BodyError::TimedOut
    } else {
        BodyError::Malformed
    }
}

/// A file name fit to store and show: no directories, no control characters, at most
/// [`FILE_NAME_MAX`] characters.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    base.chars()
        .filter(|c| !c.is_control())
        .take(FILE_NAME_MAX)
        .collect()
}

/// The media type of a file from its first bytes, for the types a ticket accepts.
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if head.starts_with(b"\xFF\xD8\xFF") {
        Some("image/jpeg")
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP" {
        Some("image/webp")
    } else if head.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_accepted_types_only() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF"), Some("image/jpeg"));
        assert_eq!(sniff(b"GIF89a\x01\0"), Some("image/gif"));
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(b"<svg xmlns="), None);
        assert_eq!(sniff(b"RIFF\x24\0\0\0WAVE"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn file_names_lose_directories_and_controls() {
        assert_eq!(clean_file_name("C:\\Users\\ana\\shot.png"), "shot.png");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\nb.pdf"), "ab.pdf");
        assert_eq!(clean_file_name(&"x".repeat(300)).len(), FILE_NAME_MAX);
    }
}
