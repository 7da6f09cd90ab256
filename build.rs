//! Minifies the widget's stylesheets into OUT_DIR: their comments and indentation are for
//! us, and every byte of the Wasm is downloaded on every course page.

use std::{env, fs, path::Path};

fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    out.push_str(rest);
    // Collapse whitespace outside strings (`content: "\25B8  "` keeps both spaces: the first
    // ends the escape), then drop it around punctuation where CSS does not need it.
    let collapsed = out
        .split('"')
        .enumerate()
        .map(|(i, part)| match i % 2 {
            0 => {
                let words = part.split_whitespace().collect::<Vec<_>>().join(" ");
                let space = |yes: bool| if yes && !words.is_empty() { " " } else { "" };
                let (before, after) = (
                    space(i > 0 && part.starts_with(char::is_whitespace)),
                    space(part.ends_with(char::is_whitespace)),
                );
                format!("{before}{words}{after}")
            }
            _ => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\"");
    let mut tight = String::with_capacity(collapsed.len());
    let chars: Vec<char> = collapsed.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1).copied();
            let tight_around =
                |ch: Option<char>| matches!(ch, Some('{' | '}' | ';' | ',' | ':' | '>'));
            // A space before ':' matters in selectors (`a :focus`); only drop it after ':'.
            // `!` only starts `!important`, which needs no space before it.
            if tight_around(prev) || matches!(next, Some('{' | '}' | ';' | ',' | '>' | '!')) {
                continue;
            }
        }
        tight.push(c);
    }
    tight
}

fn main() {
    let out_dir = env::var("OUT_DIR").expect("OUT_DIR");
    for name in ["style.css", "panel.css"] {
        let source = Path::new("src/web").join(name);
        println!("cargo:rerun-if-changed={}", source.display());
        let css = fs::read_to_string(&source).expect("read stylesheet");
        fs::write(Path::new(&out_dir).join(name), minify(&css)).expect("write stylesheet");
    }
}
