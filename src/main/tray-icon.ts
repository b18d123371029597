import { nativeImage, type NativeImage } from 'electron';

/**
 * The tray icon, drawn in code (no file to ship or find): a rounded square in the panel's
 * accent colour with a white "›_" prompt mark, at 16 px and 32 px (for 2x screens).
 */
export function trayIcon(): NativeImage {
  const image = nativeImage.createFromBitmap(bitmap(16), { width: 16, height: 16, scaleFactor: 1 });
  image.addRepresentation({ scaleFactor: 2, width: 32, height: 32, buffer: bitmap(32) });
  return image;
}

/** A BGRA bitmap of the icon, `size` pixels square. */
export function bitmap(size: number): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const unit = size / 16;
  const radius = 3 * unit;
  const inside = (x: number, y: number) => {
    // distance outside the rounded square's corner circles
    const cx = Math.min(Math.max(x, radius), size - radius);
    const cy = Math.min(Math.max(y, radius), size - radius);
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
  };
  const mark = (x: number, y: number) => {
    const u = x / unit;
    const v = y / unit;
    const chevron = u >= 3.5 && u <= 8 && Math.abs(v - 8) <= 4.5 && Math.abs(Math.abs(v - 8) - (8 - u)) <= 1;
    const underscore = u >= 8.5 && u <= 12.5 && v >= 11 && v <= 12.5;
    return chevron || underscore;
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const offset = (y * size + x) * 4;
      if (!inside(x + 0.5, y + 0.5)) continue;
      const [r, g, b] = mark(x + 0.5, y + 0.5) ? [255, 255, 255] : [37, 99, 235];
      pixels[offset] = b;
      pixels[offset + 1] = g;
      pixels[offset + 2] = r;
      pixels[offset + 3] = 255;
    }
  }
  return pixels;
}
