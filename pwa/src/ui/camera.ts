// Camera barcode detection: the browser's BarcodeDetector where it exists (Chrome on
// Android), the `barcode-detector` ponyfill (ZXing compiled to WASM, served from this
// app so it works offline) everywhere else (Safari/iOS home-screen apps, Firefox).
export interface Detector {
  detect(source: ImageBitmapSource): Promise<{ rawValue: string }[]>
}

const FORMATS = ['qr_code', 'ean_13', 'ean_8', 'upc_a', 'upc_e', 'code_128', 'code_39', 'data_matrix', 'itf']

let cached: Promise<Detector> | null = null

export function getDetector(): Promise<Detector> {
  if (!cached) cached = makeDetector()
  return cached
}

async function makeDetector(): Promise<Detector> {
  const Native = (globalThis as { BarcodeDetector?: { new (o: { formats: string[] }): Detector; getSupportedFormats?: () => Promise<string[]> } }).BarcodeDetector
  if (Native) {
    try {
      const supported = (await Native.getSupportedFormats?.()) ?? FORMATS
      const formats = FORMATS.filter((f) => supported.includes(f))
      if (formats.length) {
        markKind('native')
        return new Native({ formats })
      }
    } catch {
      /* fall through to the WASM decoder */
    }
  }
  const [{ BarcodeDetector, prepareZXingModule }, wasm] = await Promise.all([
    import('barcode-detector/ponyfill'),
    import('zxing-wasm/reader/zxing_reader.wasm?url'),
  ])
  prepareZXingModule({
    overrides: {
      locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasm.default : prefix + path),
    },
  })
  markKind('zxing-wasm')
  return new BarcodeDetector({ formats: FORMATS as never[] }) as unknown as Detector
}

/** Which decoder is in use, for the sync/support screen and the browser tests. */
function markKind(kind: 'native' | 'zxing-wasm'): void {
  ;(globalThis as { __floorwalkDetector?: string }).__floorwalkDetector = kind
}
