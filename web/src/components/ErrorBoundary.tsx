import { Component, type ReactNode } from 'react';

/** Shows a view's crash in the page instead of a blank screen; re-mounted per path, so navigating away recovers. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    if (this.state.error) {
      return (
        <div className="error-box" role="alert">
          <strong>This view failed:</strong> {this.state.error.message}
        </div>
      );
    }
    return this.props.children;
  }
}
