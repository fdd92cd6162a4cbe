/** A message was edited when it changed after it was sent (the API sets both times at sending). */
export function isEdited(message: { createdAt: Date; updatedAt: Date }): boolean {
  return message.updatedAt.getTime() > message.createdAt.getTime();
}
