//! The device flow's verification URL as a QR code made of half blocks,
//! two modules per character cell, for a phone's camera.

use qrcode::{Color, EcLevel, QrCode};

/// Lines of text, dark on light, with the quiet zone the standard asks
/// for; `None` when the text is too long for a QR code.
pub fn lines(text: &str) -> Option<Vec<String>> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let quiet = 2usize;
    let dark = |x: isize, y: isize| -> bool {
        if x < 0 || y < 0 || x as usize >= width || y as usize >= width {
            return false;
        }
        colors[y as usize * width + x as usize] == Color::Dark
    };
    let side = (width + 2 * quiet) as isize;
    let mut out = Vec::new();
    let mut y = -(quiet as isize);
    while y < side - quiet as isize {
        let mut line = String::new();
        for x in -(quiet as isize)..(side - quiet as isize) {
            // Light modules are drawn: most terminals are dark.
            line.push(match (!dark(x, y), !dark(x, y + 1)) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            });
        }
        out.push(line);
        y += 2;
    }
    Some(out)
}

#[cfg(test)]
#[path = "tests/qr.rs"]
mod tests;
