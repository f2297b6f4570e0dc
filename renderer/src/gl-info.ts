/**
 * What kind of WebGL the page gets. With a software rasteriser (SwiftShader, llvmpipe: headless
 * Chromium, VMs, remote desktops) every frame is drawn by the CPU, and multisampled canvases cost
 * far more than they are worth: measured in the ui bench, a MapLibre repaint took ~225 ms of
 * GPU-process CPU with antialiasing and ~130 ms without. Hardware GPUs keep antialiasing.
 */
let software: boolean | undefined;

export function isSoftwareWebGl(): boolean {
  if (software !== undefined) return software;
  software = false;
  try {
    const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
    if (gl) {
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
      software = /swiftshader|llvmpipe|softpipe|software/i.test(renderer);
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  } catch {
    // no WebGL at all: MapLibre reports that itself
  }
  return software;
}
