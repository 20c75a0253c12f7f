//! QR codes for join links, as SVG (for print and the console) and PNG (for chat apps
//! that take images only). A quiet zone of four modules surrounds the code, as scanners
//! expect.

use qrcode::render::svg;
use qrcode::{Color, EcLevel, QrCode};

use crate::AppError;

/// Pixels per module in the PNG.
const SCALE: usize = 8;
/// Modules of quiet zone on each side.
const QUIET: usize = 4;

fn code(text: &str) -> Result<QrCode, AppError> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| AppError::Internal(format!("QR code for a join link: {e}")))
}

pub fn svg(text: &str) -> Result<String, AppError> {
    Ok(code(text)?
        .render::<svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

pub fn png(text: &str) -> Result<Vec<u8>, AppError> {
    let code = code(text)?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c != Color::Dark {
            continue;
        }
        let (mx, my) = (i % modules + QUIET, i / modules + QUIET);
        for y in my * SCALE..(my + 1) * SCALE {
            pixels[y * side + mx * SCALE..y * side + (mx + 1) * SCALE].fill(0);
        }
    }
    let mut out = Vec::new();
    let side32 = u32::try_from(side).map_err(|_| AppError::Internal("QR too large".into()))?;
    let mut encoder = png::Encoder::new(&mut out, side32, side32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let fail = |e: png::EncodingError| AppError::Internal(format!("PNG encoding: {e}"));
    let mut writer = encoder.write_header().map_err(fail)?;
    writer.write_image_data(&pixels).map_err(fail)?;
    writer.finish().map_err(fail)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_hold_the_same_code() {
        let url = "http://127.0.0.1:8080/j/a1b2c3d4e5";
        let s = svg(url).unwrap();
        assert!(s.contains("<svg") && s.contains("</svg>"));
        let p = png(url).unwrap();
        assert_eq!(&p[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(std::io::Cursor::new(&p));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        let modules = code(url).unwrap().width();
        assert_eq!(info.width as usize, (modules + 8) * SCALE);
        // The quiet zone is white; the top-left finder pattern's corner is black.
        assert_eq!(buf[0], 255);
        let corner = QUIET * SCALE;
        assert_eq!(buf[corner * info.width as usize + corner], 0);
    }
}
