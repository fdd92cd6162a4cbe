import { useEffect, useState } from "react";

/** A thumbnail for images (object URL, revoked when gone), an icon with the extension otherwise. */
export function FilePreview({ file }: { file: File }) {
  const isImage = file.type.startsWith("image/") && file.type !== "image/svg+xml";
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!isImage) return;
    const objectUrl = URL.createObjectURL(file);
    setUrl(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [file, isImage]);
  if (isImage && url) return <img className="thumb" src={url} alt="" width={48} height={48} />;
  const ext = file.name.includes(".")
    ? file.name.split(".").pop()!.slice(0, 4).toUpperCase()
    : file.type.split("/")[0]?.toUpperCase().slice(0, 4) || "FILE";
  return (
    <span className="thumb file-icon" aria-hidden="true">
      {ext}
    </span>
  );
}
