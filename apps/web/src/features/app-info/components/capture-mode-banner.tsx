import { useI18n } from "../../../lib/i18n.tsx";
import { useInfo } from "../api/get-info.ts";

/** Says plainly when "sent" mail only went to files (no upstream relay configured). */
export function CaptureModeBanner() {
  const { t } = useI18n();
  const info = useInfo();
  if (info.data?.deliveryMode !== "capture") return null;
  return (
    <p className="alert alert-warning" role="note">
      {t("web.info.captureMode")}
    </p>
  );
}
