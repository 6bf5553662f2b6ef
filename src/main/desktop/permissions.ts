/**
 * The page needs no browser permission: no camera, microphone, notifications, geolocation, HID,
 * serial, USB or anything else. (Copying uses the async Clipboard API and, when that is refused,
 * the copy command, which needs no permission.) Every request and every check is refused.
 */
export function mayGrantPermission(_permission: string, _origin: string): boolean {
  return false
}

/** The part of Electron's Session that decides permissions. */
export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (
      contents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
      details: { requestingUrl?: string },
    ) => void,
  ): void
  setPermissionCheckHandler(
    handler: (contents: unknown, permission: string, origin: string, details: unknown) => boolean,
  ): void
  setDevicePermissionHandler(
    handler: (details: { origin: string; deviceType: string }) => boolean,
  ): void
}

/** Installs the deny-everything policy on a session (Electron's default grants most requests). */
export function denyAllPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(mayGrantPermission(permission, details.requestingUrl ?? '')),
  )
  session.setPermissionCheckHandler((_contents, permission, origin) =>
    mayGrantPermission(permission, origin),
  )
  session.setDevicePermissionHandler(({ deviceType, origin }) =>
    mayGrantPermission(deviceType, origin),
  )
}
