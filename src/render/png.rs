//! PNG encoding of [`RgbImage`]s and [`GrayImage`]s.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::image::{GrayImage, RgbImage};
use crate::error::{Error, Result};

fn encode(
    out: impl Write,
    width: usize,
    height: usize,
    color: ::png::ColorType,
    data: &[u8],
    path: &Path,
) -> Result<()> {
    let fail = |e: ::png::EncodingError| Error::Write {
        path: path.to_path_buf(),
        source: match e {
            ::png::EncodingError::IoError(source) => source,
            other => std::io::Error::other(other.to_string()),
        },
    };
    let (w, h) = (u32::try_from(width), u32::try_from(height));
    let (Ok(w), Ok(h)) = (w, h) else {
        return Err(Error::param(
            "size",
            format!("{width}x{height} pixels is too large for a PNG"),
        ));
    };
    if w == 0 || h == 0 {
        return Err(Error::param(
            "size",
            format!("cannot write an empty {width}x{height} image"),
        ));
    }
    let mut encoder = ::png::Encoder::new(out, w, h);
    encoder.set_color(color);
    encoder.set_depth(::png::BitDepth::Eight);
    // fdeflate: several times faster than the default zlib-style level, files ~10-20% larger.
    encoder.set_compression(::png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(fail)?;
    writer.write_image_data(data).map_err(fail)?;
    writer.finish().map_err(fail)
}

/// Encodes into a new file at `path`, flushed before returning: every failure
/// to create or fill it (missing or unwritable folder, a folder in the way,
/// a full disk) is an [`Error::Write`] naming it.
fn save(
    path: &Path,
    width: usize,
    height: usize,
    color: ::png::ColorType,
    data: &[u8],
) -> Result<()> {
    let failed = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut out = File::create(path).map(BufWriter::new).map_err(failed)?;
    encode(&mut out, width, height, color, data, path)?;
    out.flush().map_err(failed)
}

/// Writes `image` as an 8-bit RGB PNG at `path`.
pub fn write_rgb(path: &Path, image: &RgbImage) -> Result<()> {
    save(
        path,
        image.width,
        image.height,
        ::png::ColorType::Rgb,
        &image.data,
    )
}

/// Writes `image` as an 8-bit grayscale PNG at `path`.
pub fn write_gray(path: &Path, image: &GrayImage) -> Result<()> {
    save(
        path,
        image.width,
        image.height,
        ::png::ColorType::Grayscale,
        &image.data,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_decodable_png() {
        let dir = crate::testing::scratch_dir("png").unwrap();
        let path = dir.join("x.png");
        let mut img = RgbImage::new(3, 2);
        img.put(1, 1, [10, 20, 30]);
        write_rgb(&path, &img).unwrap();
        let decoder = ::png::Decoder::new(std::io::BufReader::new(File::open(&path).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (3, 2));
        assert_eq!(&buf[12..15], &[10, 20, 30]);
        assert!(write_rgb(&dir.join("missing-dir/x.png"), &img).is_err());
        assert!(write_rgb(&path, &RgbImage::new(0, 0)).is_err());
        std::fs::remove_dir_all(dir).ok();
    }
}
