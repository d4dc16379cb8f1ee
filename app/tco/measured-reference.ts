/**
 * The measured device reference's URL parameters (which models, which device class) and the
 * bottom-up preset for its class, so that its J/token and the rest of the device (speed, battery,
 * power source, adoption) describe one kind of device. Pure: the page (server) and the preset
 * button (client) both use it. A value it does not know is said in a notice, never a crash.
 */
import { SIZE_CLASSES, type SizeClass } from "../../lib/core/present/reported";
import type { TcoInputs } from "../../lib/core/tco/model";
import { bottomUpPreset, DEVICE_CLASSES, withDeviceClass, type DeviceClassKey } from "../../lib/core/tco/presets";

/** Which models the reference takes (lib/server/read/measured-energy.ts, DeviceEnergyModels). */
export type ReferenceModels = { sizeClass: SizeClass } | { model: string } | null;

/** `?deviceRef=1-3B` (a size class) or `?deviceRef=model:<name>`: every model when absent or unknown. */
export function referenceModelsFromParam(value: string | null): { models: ReferenceModels; notice: string | null } {
  if (!value) return { models: null, notice: null };
  if (value.startsWith("model:")) return { models: { model: value.slice(6, 206) }, notice: null };
  // Own keys only: "toString" is in every object.
  if (Object.hasOwn(SIZE_CLASSES, value)) return { models: { sizeClass: value as SizeClass }, notice: null };
  return { models: null, notice: `deviceRef "${value.slice(0, 60)}" is not a size class (${Object.keys(SIZE_CLASSES).join(", ")}) or model:<name>; using every model.` };
}

/**
 * `?deviceClass=`: phone, laptop or desktop (devices.device_class names them alike). Phone when
 * absent, as the defaults and the bottom-up preset model a phone.
 */
export function referenceClassFromParam(value: string | null): { deviceClass: DeviceClassKey; notice: string | null } {
  if (!value) return { deviceClass: "phone", notice: null };
  if (Object.hasOwn(DEVICE_CLASSES, value)) return { deviceClass: value as DeviceClassKey, notice: null };
  return { deviceClass: "phone", notice: `deviceClass "${value.slice(0, 60)}" is not one of ${Object.keys(DEVICE_CLASSES).join(", ")}; the measured device energy is of phones.` };
}

/** The bottom-up preset for `deviceClass`: its sourced figures, then the measured battery-side J/token where there is one. */
export function measuredBottomUp(deviceClass: DeviceClassKey, measured: { jPerToken: number } | null): TcoInputs {
  const i = withDeviceClass(bottomUpPreset(null), deviceClass);
  return measured != null && measured.jPerToken > 0 ? { ...i, deviceJPerToken: measured.jPerToken } : i;
}
